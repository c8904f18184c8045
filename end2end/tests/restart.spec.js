// The server crashes and comes back in the middle of an exam: nothing the candidate did is
// lost, the deadline stays where it was, and the page carries on by itself.
// This test runs a Vigil server of its own (a SQLite file of its own), so it can kill it.
const { test } = require('@playwright/test');
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { expect, hydrated, PASSWORD } = require('./helpers');

const root = path.join(__dirname, '..', '..');
const dataDir = path.join(__dirname, '..', '.e2e-data', `restart-${process.pid}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function startServer(port) {
  const log = fs.openSync(path.join(dataDir, 'server.log'), 'a');
  const env = { ...process.env, VIGIL_LISTEN: `127.0.0.1:${port}`, VIGIL_DATA_DIR: dataDir, LEPTOS_SITE_ROOT: path.join(root, 'target', 'site') };
  delete env.DATABASE_URL;
  const child = spawn(path.join(root, 'target', 'debug', 'vigil'), ['--demo'], { env, stdio: ['ignore', log, log] });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return child;
    } catch (_) {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not come up');
}

function stopHard(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

test('a server crash mid-exam loses nothing', async ({ page }) => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(port);
  try {
    await page.goto(`${base}/signin`);
    await hydrated(page);
    await page.getByLabel('Email').fill('candidate@demo.vigil.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /Open exam: Networking Fundamentals/ }).click();
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
    await stopHard(server);
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByLabel('True', { exact: true }).check();
    await expect(page.getByTestId('save-state')).toContainText('Offline: your answers are kept on this device');
    await expect(page.getByTestId('link')).not.toHaveText('connected');

    // It comes back on the same data: the page delivers what it kept, by itself.
    server = await startServer(port);
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
    await stopHard(server);
  }
});
