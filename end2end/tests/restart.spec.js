// The server crashes and comes back in the middle of an exam: nothing the candidate did is
// lost, the deadline stays where it was, and the page carries on by itself.
// This test runs a Vigil server of its own (a SQLite file of its own), so it can kill it.
const { test } = require('@playwright/test');
const { expect, hydrated, openExamPage, ownServer, PASSWORD } = require('./helpers');

test('a server crash mid-exam loses nothing', async ({ page }) => {
  const server = await ownServer('restart');
  const base = server.base;
  try {
    await page.goto(`${base}/signin`);
    await hydrated(page);
    await page.getByLabel('Email').fill('candidate@demo.vigil.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await openExamPage(page, /Open exam: Networking Fundamentals/);
    await page.getByLabel('I have read what is monitored during this exam and I agree to it.').check();
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/sessions\//);
    await hydrated(page);
    const sessionId = page.url().split('/sessions/')[1];
    const deadline = async () => {
      const r = await page.request.post(`${base}/api/exam_session`, { form: { session_id: sessionId } });
      expect(r.status()).toBe(200);
      return (await r.json()).deadline_at;
    };
    const deadlineBefore = await deadline();

    await page.getByLabel('Network', { exact: true }).check();
    await expect(page.getByTestId('save-state')).toContainText('Saved at');

    // The server dies. The candidate keeps working.
    await server.kill();
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByLabel('True', { exact: true }).check();
    await expect(page.getByTestId('save-state')).toContainText('Offline: your answers are kept on this device');
    await expect(page.getByTestId('link')).not.toHaveText('connected');

    // It comes back on the same data: the page delivers what it kept, by itself.
    await server.start();
    await expect(page.getByTestId('save-state')).toContainText('Saved at', { timeout: 20_000 });
    await expect(page.getByTestId('link')).toHaveText('connected', { timeout: 20_000 });
    expect(await deadline()).toBe(deadlineBefore);

    // After a reload the candidate is back on the question they were on, with both answers.
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId('position')).toHaveText('Question 2 of 3');
    await expect(page.getByLabel('True', { exact: true })).toBeChecked();
    await page.getByRole('button', { name: '← Previous' }).click();
    await expect(page.getByLabel('Network', { exact: true })).toBeChecked();
  } finally {
    await server.kill();
  }
});

test('a browser crash while offline loses nothing', async ({ context }) => {
  const server = await ownServer('crash');
  try {
    let page = await context.newPage();
    await page.goto(`${server.base}/signin`);
    await hydrated(page);
    await page.getByLabel('Email').fill('candidate@demo.vigil.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await openExamPage(page, /Open exam: Web Security/);
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/sessions\//);
    await hydrated(page);
    const examUrl = page.url();
    const sessionId = examUrl.split('/sessions/')[1];
    await page.getByRole('button', { name: 'Show all questions on one page' }).click();
    const essay = (p) => p.getByRole('group', { name: /passwords are stored/ }).getByLabel('Your answer');

    // Offline, the candidate writes the essay; then the browser dies without a goodbye.
    await context.setOffline(true);
    await essay(page).fill('Typed offline, just before the crash.');
    await expect(page.getByTestId('save-state')).toContainText('Offline');
    await page.close({ runBeforeUnload: false });
    await context.setOffline(false);

    // The browser comes back: the answer kept on the device reaches the server by itself.
    page = await context.newPage();
    await page.goto(examUrl);
    await hydrated(page);
    await expect(essay(page)).toHaveValue('Typed offline, just before the crash.');
    await expect(page.getByTestId('save-state')).toHaveText(/All answers are saved on the server\.|Saved at/);
    const r = await page.request.post(`${server.base}/api/exam_session`, { form: { session_id: sessionId } });
    const saved = (await r.json()).questions.map((q) => q.saved || '');
    expect(saved.some((s) => s.includes('Typed offline, just before the crash.'))).toBe(true);
  } finally {
    await server.kill();
  }
});
