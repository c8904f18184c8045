// Runs last: it submits the demo candidate's only attempt.
const { test } = require('@playwright/test');
const { expect, openExam } = require('./helpers');

test('submitting names unanswered questions, then shows the graded result', async ({ page, browser }) => {
  await openExam(page);
  // One question at a time, moved through with the pager, by keyboard.
  await expect(page.getByTestId('position')).toHaveText('Question 1 of 3');
  await expect(page.getByRole('button', { name: '← Previous' })).toBeDisabled();
  await page.getByLabel('Network', { exact: true }).check();
  await expect(page.getByLabel('True', { exact: true })).toBeHidden();
  await page.getByRole('button', { name: 'Next →' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('position')).toHaveText('Question 2 of 3');
  await expect(page.getByLabel('Network', { exact: true })).toBeHidden();
  await page.getByLabel('True', { exact: true }).check();
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(page.getByRole('button', { name: 'Next →' })).toBeDisabled();
  const answer = page.getByLabel('Your answer');
  await answer.fill('');
  await answer.blur();
  await expect(page.getByTestId('save-state')).toContainText('Saved at');
  await expect(page.getByTestId('countdown')).toContainText(/Time left: \d{2}:\d{2}/);

  // The palette says, in words, what is answered and what is marked.
  await expect(page.getByRole('link', { name: 'Question 1: answered' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Question 3: not answered' })).toBeVisible();
  const markSaved = page.waitForResponse((r) => r.url().endsWith('/api/mark_question') && r.status() === 200);
  await page.getByRole('group', { name: /well-known port/ }).locator('..').getByLabel('Mark for review').check();
  await expect(page.getByRole('link', { name: 'Question 3: not answered, marked for review' })).toBeVisible();
  await markSaved;

  // Marks are kept on the server: the same attempt opened on another device shows it too.
  const other = await (await browser.newContext()).newPage();
  await openExam(other);
  await expect(other.getByRole('link', { name: 'Question 3: not answered, marked for review' })).toBeVisible();
  await other.close();

  await page.getByRole('button', { name: 'Submit exam…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Submit your exam?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('submit-summary')).toHaveText('Question 3 is unanswered.');
  await expect(dialog.getByRole('heading', { name: 'Submit your exam?' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Keep working' }).click();
  await expect(dialog).toBeHidden();

  await answer.fill(' 443 ');
  await answer.blur();
  await page.getByRole('button', { name: 'Submit exam…' }).click();
  await expect(dialog.getByTestId('submit-summary')).toHaveText('You have answered every question.');
  await dialog.getByRole('button', { name: 'Submit now' }).click();

  await page.waitForURL(/\/result$/);
  await expect(page.getByTestId('score')).toHaveText('Score: 3 of 3 points (100%)');
  await expect(page.getByTestId('outcome')).toContainText('Passed');
  const second = page.getByTestId('result-question').nth(1);
  await expect(second).toContainText('Correct answer');
  await expect(second).toContainText('TCP numbers every byte');

  // The dashboard now offers the result instead of the exam.
  await page.goto('/');
  const card = page.getByRole('listitem').filter({ hasText: 'Networking Fundamentals' });
  await expect(card.getByTestId('availability')).toHaveText('You have used all your attempts.');
  await expect(card).toContainText('0 of 1');
  await card.getByRole('link', { name: /View result: Networking Fundamentals/ }).click();
  await expect(page.getByTestId('score')).toBeVisible();
});
