// The countdown runs from the server's deadline: warnings at 5 and 1 minutes, announced to
// screen readers, and the attempt is submitted when time is up. The browser's clock is moved
// forward (Playwright's clock), so the test does not wait 30 minutes; it runs a server of its own
// so the demo candidate's one attempt is its own to use up.
const { test } = require('@playwright/test');
const { expect, hydrated, openExamPage, ownServer, PASSWORD } = require('./helpers');

test('warnings at 5 and 1 minutes, then the attempt is submitted at zero', async ({ page }) => {
  const server = await ownServer('countdown');
  try {
    await page.clock.install();
    await page.goto(`${server.base}/signin`);
    await hydrated(page);
    await page.getByLabel('Email').fill('candidate@demo.vigil.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await openExamPage(page, /Open exam: Networking Fundamentals/);
    // The exam's facts have loaded (the button is there) before the consent is ticked.
    await expect(page.getByRole('button', { name: 'Start exam' })).toBeVisible();
    await page.getByLabel('I have read what is monitored during this exam and I agree to it.').check();
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/sessions\//);
    await hydrated(page);
    await page.getByLabel('Network', { exact: true }).check();
    await expect(page.getByTestId('save-state')).toContainText('Saved at');
    const countdown = page.getByTestId('countdown');
    await expect(countdown).toContainText(/Time left: (29|30):\d{2}/);
    await expect(page.getByRole('alert')).toHaveCount(0);

    // The demo exam lasts 30 minutes.
    await page.clock.fastForward('25:30');
    await expect(countdown).toContainText(/Time left: 04:\d{2}/);
    await expect(countdown).toContainText('under 5 minutes');
    await expect(page.getByRole('alert')).toHaveText('Less than 5 minutes left.');
    await expect(page.getByRole('status').filter({ hasText: 'minutes left.' })).toHaveText('5 minutes left.');

    await page.clock.fastForward('04:00');
    await expect(page.getByRole('alert')).toHaveText('Less than 1 minute left.');
    await expect(page.getByRole('status').filter({ hasText: 'left.' })).toHaveText('1 minute left.');

    await page.clock.fastForward('01:00');
    await page.waitForURL(/\/result$/);
    await expect(page.getByTestId('result')).toBeVisible();
  } finally {
    await server.kill();
  }
});
