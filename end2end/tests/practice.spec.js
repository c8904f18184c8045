// Every question type, answered by keyboard and mouse; answers typed offline survive; an
// essay leaves the result pending.
const { test } = require('@playwright/test');
const { expect, hydrated, openExamPage, signIn } = require('./helpers');

test('answers typed offline are kept, sent when back online, and still there after a reload', async ({ page, context }) => {
  await signIn(page, 'candidate@demo.vigil.test');
  await openExamPage(page, /Open exam: Web Security/);
  await expect(page.getByRole('heading', { name: 'What is monitored during this exam' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Start exam' }).click();
  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  await expect(page.getByTestId('monitoring')).toHaveCount(0);
  // This candidate prefers every question on one page; the choice is kept across reloads.
  await page.getByRole('button', { name: 'Show all questions on one page' }).click();
  await expect(page.getByRole('button', { name: 'Show one question at a time' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByLabel('Content-Security-Policy').check();
  await page.getByLabel('X-Content-Type-Options').check();
  // The practice exam shuffles question order per attempt: find each question by its text.
  const field = (stem) => page.getByRole('group', { name: stem }).getByLabel('Your answer');
  const numeric = field(/How many bits/);
  const short = field(/cookie attribute/);
  const essay = field(/passwords are stored/);
  await numeric.fill('64');
  await short.fill('HttpOnly');
  await expect(page.getByTestId('save-state')).toContainText('Saved at');

  // The connection drops while the candidate writes the essay.
  await context.setOffline(true);
  await essay.fill('Salted hashes defeat lookup tables; slow hashing makes guessing expensive.');
  await expect(page.getByTestId('save-state')).toContainText('Offline: your answers are kept on this device');
  await context.setOffline(false);
  await expect(page.getByTestId('save-state')).toContainText('Saved at', { timeout: 15_000 });

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Content-Security-Policy')).toBeChecked();
  await expect(page.getByLabel('X-Content-Type-Options')).toBeChecked();
  await expect(page.getByLabel('Accept-Language')).not.toBeChecked();
  await expect(numeric).toHaveValue('64');
  await expect(essay).toHaveValue('Salted hashes defeat lookup tables; slow hashing makes guessing expensive.');

  await page.getByRole('button', { name: 'Submit exam…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Submit now' }).click();
  await page.waitForURL(/\/result$/);
  await expect(page.getByTestId('outcome')).toContainText('waiting for an instructor');
  await expect(page.getByTestId('score')).toHaveText('Score: 4 of 7 points (57.1%)');
});

test('an instructor grades the essay with feedback, and the candidate sees it', async ({ page, browser }) => {
  await signIn(page, 'author@demo.vigil.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Grading' }).click();
  await page.getByTestId('to-grade').filter({ hasText: 'Web Security' }).getByRole('link', { name: 'Cam Candidate' }).click();
  await hydrated(page);
  await expect(page.getByTestId('grading-status')).toContainText('Waiting for your grades');
  const essay = page.getByTestId('grading-question').filter({ hasText: 'passwords are stored' });
  await expect(essay).toContainText('Salted hashes defeat lookup tables');
  const points = essay.getByLabel(/^Points \(0 to \d+\)$/);
  const max = Number((await essay.locator('label').first().textContent()).match(/0 to (\d+)/)[1]);

  await points.fill(String(max + 1));
  await page.getByRole('button', { name: 'Save grades' }).click();
  await expect(page.getByRole('alert')).toContainText(`must be between 0 and ${max}`);

  await points.fill(String(max));
  await essay.getByLabel('Feedback to the candidate (optional)').fill('Both reasons, clearly put.');
  await page.getByRole('button', { name: 'Save grades' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Grades saved' })).toBeVisible();
  await expect(page.getByTestId('grading-status')).toContainText(`Graded: ${4 + max} of 7 points`);

  const candidate = await (await browser.newContext()).newPage();
  await signIn(candidate, 'candidate@demo.vigil.test');
  await candidate.getByRole('link', { name: /View result: Web Security/ }).click();
  await expect(candidate.getByTestId('score')).toContainText(`Score: ${4 + max} of 7 points`);
  await expect(candidate.getByTestId('outcome')).not.toContainText('waiting for an instructor');
  await expect(candidate.getByTestId('feedback')).toContainText('Both reasons, clearly put.');
});
