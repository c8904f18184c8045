// The walking skeleton: a candidate takes a proctored exam, switches tab, and a reviewer sees
// the resulting flag with its evidence.
const { test } = require('@playwright/test');
const { expect, hydrated, openExamPage, signIn, setVisibility } = require('./helpers');

test('a tab switch in an exam reaches the reviewer as a flag with its evidence', async ({ page, browser }) => {
  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Cam Candidate' })).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toHaveText('Cam Candidate');

  await openExamPage(page, /Open exam: Networking Fundamentals/);
  await expect(page.getByRole('heading', { name: 'What is monitored during this exam' })).toBeVisible();
  const start = page.getByRole('button', { name: 'Start exam' });
  await expect(start).toBeDisabled();
  await page.getByLabel('I have read what is monitored during this exam and I agree to it.').check();
  await start.click();

  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  await expect(page.getByText('Question 1 of 3').first()).toBeVisible();
  await page.getByLabel('Network', { exact: true }).check();
  await expect(page.getByTestId('save-state')).toContainText('Saved at');

  // The answer was saved on the server: it is there after a reload.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Network', { exact: true })).toBeChecked();

  // Switch away for longer than the exam's threshold (2 s at MEDIUM sensitivity), and back.
  await expect(page.getByTestId('link')).toHaveText('connected');
  await setVisibility(page, 'hidden');
  await page.waitForTimeout(2_500);
  await setVisibility(page, 'visible');
  await expect(page.getByTestId('queued')).toHaveText('0');

  // The reviewer, in a browser of their own, sees the flagged session.
  const reviewerContext = await browser.newContext();
  const reviewer = await reviewerContext.newPage();
  await signIn(reviewer, 'reviewer@demo.vigil.test');
  await expect(reviewer.getByRole('heading', { name: 'Welcome, Rita Reviewer' })).toBeVisible();
  await reviewer.getByRole('link', { name: 'Review queue' }).first().click();
  const session = reviewer.getByTestId('queue-session').filter({ hasText: 'Cam Candidate' });
  await expect(session).toBeVisible();
  await expect(session).toContainText('Networking Fundamentals');
  // Rules raise flags; the outcome waits for a person.
  await expect(session.getByTestId('review-state')).toHaveText('Not reviewed');
  const flag = session.getByTestId('flag');
  await expect(flag).toContainText('TAB_SWITCH');
  await expect(flag).toContainText('Medium severity');
  await expect(flag).toContainText(/raised \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await expect(flag.getByTestId('evidence').first()).toContainText(/#\d+ Exam page hidden \(visibility_hidden\)/);
  await expect(flag.getByTestId('evidence').nth(1)).toContainText('Exam page visible again');
  await expect(reviewer.getByTestId('live')).toContainText('Live');
  await reviewerContext.close();
});

test('a wrong password is explained on the page and signs nobody in', async ({ page }) => {
  await signIn(page, 'candidate@demo.vigil.test', 'not the password');
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account.');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});

test('signing out returns to the sign-in page and the dashboard asks to sign in again', async ({ page }) => {
  await signIn(page, 'author-reviewer@demo.vigil.test');
  await expect(page.getByText('Your roles: Exam author, Proctor reviewer')).toBeVisible();
  // Before hydration the button posts a plain form, which comes back to this page.
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin$/);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Proctored exams you can trust' })).toBeVisible();
});

test('an unknown address shows a helpful 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to your dashboard' })).toBeVisible();
});
