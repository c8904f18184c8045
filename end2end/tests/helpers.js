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
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
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

/**
 * Follows a link to an exam's start page and waits until that page can be used: a click on
 * "Start exam" before the page's code has loaded does nothing. The link may be followed by the
 * app (already loaded) or by the browser (a new page), so the wait is for the address, then for
 * the page's own hydration, then for the exam's facts.
 */
async function openExamPage(page, name) {
  await page.getByRole('link', { name }).click();
  await page.waitForURL(/\/exams\//);
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Start exam' }).or(page.getByRole('link', { name: 'Resume exam' }))).toBeVisible();
}

/** Signs in as the demo candidate and opens (or resumes) the demo exam; returns its session id. */
async function openExam(page) {
  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Cam Candidate' })).toBeVisible();
  await openExamPage(page, /(Open|Resume) exam: Networking Fundamentals/);
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

/** The session's review (flags, outcome, history) and every event, as the server holds them. */
async function timeline(api, sessionId) {
  const r = await api.post('/api/session_review', { form: { session_id: sessionId } });
  expect(r.status()).toBe(200);
  const review = await r.json();
  const events = [];
  let after = 0;
  for (;;) {
    const page = await api.post('/api/session_events', { form: { session_id: sessionId, after: String(after) } });
    expect(page.status()).toBe(200);
    const body = await page.json();
    events.push(...body.events);
    if (body.next_after === null) break;
    after = body.next_after;
  }
  return { ...review, events };
}

/** Waits until every recorded event has been acknowledged by the server. */
async function drained(page) {
  await expect(page.getByTestId('queued')).toHaveText('0', { timeout: 20_000 });
  return Number(await page.getByTestId('acked').textContent());
}

module.exports = { PASSWORD, hydrated, signIn, openExamPage, setVisibility, openExam, reviewerApi, timeline, drained, expect };

/** The newest invitation link the server logged for `email` (no mail server in tests). */
function invitationLinkFor(email, logFile = require('path').join(__dirname, '..', '.e2e-data', 'server.log'), kind = 'invitations') {
  const log = require('fs').readFileSync(logFile, 'utf8');
  const at = log.lastIndexOf(`to=${email}`);
  if (at < 0) throw new Error(`no message to ${email} in ${logFile}`);
  const match = log.slice(at).match(new RegExp(`https?://[^\\s"]+/${kind}/[0-9a-f]{64}`));
  if (!match) throw new Error(`no ${kind} link after the message to ${email}`);
  return match[0];
}

module.exports.invitationLinkFor = invitationLinkFor;

/** The same, once the server has logged the message (it writes the log as it answers). */
async function linkWhenSent(email, logFile = undefined, kind = 'invitations') {
  let link;
  await expect.poll(() => {
    try {
      link = invitationLinkFor(email, logFile, kind);
      return true;
    } catch {
      return false;
    }
  }).toBe(true);
  return link;
}

module.exports.linkWhenSent = linkWhenSent;

/**
 * A Vigil server of the test's own (its own port and SQLite file, demo data), for tests that
 * stop it or need a demo candidate nobody else has touched, or a public host of their own. `kill()` is a crash (SIGKILL);
 * `start()` brings it back on the same port and data.
 */
async function ownServer(label, { host = '127.0.0.1' } = {}) {
  const { spawn } = require('child_process');
  const fs = require('fs');
  const net = require('net');
  const path = require('path');
  const root = path.join(__dirname, '..', '..');
  const dataDir = path.join(__dirname, '..', '.e2e-data', `${label}-${process.pid}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
  // `host` names the server in its public URL and in the browser's address bar (passkeys need
  // a domain name such as localhost: WebAuthn refuses an IP address as its relying party).
  const base = `http://${host}:${port}`;
  let child = null;
  const server = {
    base,
    logFile: path.join(dataDir, 'server.log'),
    async start() {
      const log = fs.openSync(path.join(dataDir, 'server.log'), 'a');
      const env = { ...process.env, VIGIL_LISTEN: `127.0.0.1:${port}`, VIGIL_PUBLIC_URL: base, VIGIL_DATA_DIR: dataDir, LEPTOS_SITE_ROOT: path.join(root, 'target', 'site') };
      delete env.DATABASE_URL;
      child = spawn(path.join(root, 'target', 'debug', 'vigil'), ['--demo'], { env, stdio: ['ignore', log, log] });
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
        } catch (_) {
          // not up yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await server.kill();
      throw new Error(`the server at ${base} did not come up`);
    },
    kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}

module.exports.ownServer = ownServer;

/** The 6-digit code an authenticator app holding the base32 `key` shows, `offsetSteps` 30-second steps from now (RFC 6238). */
function totpCode(key, offsetSteps = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of key.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offsetSteps));
  const mac = require('crypto').createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

module.exports.totpCode = totpCode;
