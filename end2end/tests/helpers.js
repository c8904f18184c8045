const { expect } = require('@playwright/test');

const PASSWORD = 'vigil-demo-password';

/** Waits until the WASM client has hydrated the page, so clicks reach Rust handlers. */
async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  // What a page restores from this device (marks, the current question) lands on the next
  // animation frame after hydration: wait for it, so it cannot undo the test's first click.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function signIn(page, email, password = PASSWORD) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Headless Chromium never hides a page for real (see shared/TOOLCHAIN.md), so this overrides
 * document.visibilityState and dispatches the event the browser would.
 */
async function setVisibility(page, state) {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

/** Signs in as the demo candidate and opens (or resumes) the demo exam; returns its session id. */
async function openExam(page) {
  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Cam Candidate' })).toBeVisible();
  await page.getByRole('link', { name: /(Open|Resume) exam: Networking Fundamentals/ }).click();
  const resume = page.getByRole('link', { name: 'Resume exam' });
  const consent = page.getByLabel('I have read what is monitored during this exam and I agree to it.');
  await expect(resume.or(consent)).toBeVisible();
  if (await resume.isVisible()) {
    await resume.click();
  } else {
    await consent.check();
    await page.getByRole('button', { name: 'Start exam' }).click();
  }
  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  await expect(page.getByTestId('link')).toHaveText('connected');
  return page.url().split('/sessions/')[1];
}

/** A request context signed in as the demo reviewer, to read sessions' evidence from the server. */
async function reviewerApi(playwright, baseURL) {
  const api = await playwright.request.newContext({ baseURL });
  const r = await api.post('/api/sign_in', { form: { email: 'reviewer@demo.vigil.test', password: PASSWORD } });
  expect(r.status()).toBe(200);
  return api;
}

/** The session's events and flags as the server holds them. */
async function timeline(api, sessionId) {
  const r = await api.post('/api/session_timeline', { form: { session_id: sessionId } });
  expect(r.status()).toBe(200);
  return r.json();
}

/** Waits until every recorded event has been acknowledged by the server. */
async function drained(page) {
  await expect(page.getByTestId('queued')).toHaveText('0', { timeout: 20_000 });
  return Number(await page.getByTestId('acked').textContent());
}

module.exports = { PASSWORD, hydrated, signIn, setVisibility, openExam, reviewerApi, timeline, drained, expect };

/** The newest invitation link the server logged for `email` (no mail server in tests). */
function invitationLinkFor(email, logFile = require('path').join(__dirname, '..', '.e2e-data', 'server.log')) {
  const log = require('fs').readFileSync(logFile, 'utf8');
  const at = log.lastIndexOf(`to=${email}`);
  if (at < 0) throw new Error(`no message to ${email} in ${logFile}`);
  const match = log.slice(at).match(/https?:\/\/[^\s"]+\/invitations\/[0-9a-f]{64}/);
  if (!match) throw new Error(`no invitation link after the message to ${email}`);
  return match[0];
}

module.exports.invitationLinkFor = invitationLinkFor;
