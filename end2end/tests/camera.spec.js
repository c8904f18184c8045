// Camera proctoring in real Chromium with a fake camera fed from videos made at set-up
// (end2end/camera-frames.sh, from scikit-image's astronaut and coffee photos): faces are
// counted in the browser by the detector in its own wasm file, the server gets counts only,
// and its rules turn them into flags. Each test launches its own Chromium, since the camera's
// video is a launch option, and ends by submitting (the demo camera exams allow many attempts).
const { test } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const config = require('../playwright.config.js');
const { expect, hydrated, signIn, reviewerApi, timeline } = require('./helpers');

const FRAMES = path.join(__dirname, '..', '.camera-frames');
const REQUIRED = 'Camera Check — Camera Required';
const OPTIONAL = 'Camera Check — Flagged Without a Camera';
const CONSENT = 'I have read what is monitored during this exam and I agree to it.';

test.setTimeout(120_000);

let api;
test.beforeAll(async ({ playwright, baseURL }) => {
  for (const video of ['one.y4m', 'none.y4m', 'two.y4m']) {
    if (!fs.existsSync(path.join(FRAMES, video))) {
      throw new Error(`${FRAMES}/${video} is missing: scripts/test.sh makes it (end2end/camera-frames.sh)`);
    }
  }
  api = await reviewerApi(playwright, baseURL);
});
test.afterAll(async () => api && api.dispose());

/**
 * A Chromium whose camera plays `video`; `allow: false` makes it refuse the camera as a
 * candidate pressing "Block" would.
 */
async function cameraBrowser(playwright, baseURL, video, { allow = true } = {}) {
  const { executablePath, args } = config.use.launchOptions;
  const browser = await playwright.chromium.launch({
    executablePath,
    args: [
      ...args,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${path.join(FRAMES, video)}`,
      allow ? '--use-fake-ui-for-media-stream' : '--deny-permission-prompts',
    ],
  });
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  return { browser, context, page };
}

/** Signs the demo candidate in and opens a camera exam's start page, consent given. */
async function openCameraExam(page, title) {
  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Cam Candidate' })).toBeVisible();
  await page.getByRole('link', { name: `Open exam: ${title}` }).click();
  await page.waitForURL(/\/exams\//);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Camera check', exact: true })).toBeVisible();
  await page.getByLabel(CONSENT).check();
}

async function startAttempt(page) {
  await page.getByRole('button', { name: 'Start exam' }).click();
  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  return page.url().split('/sessions/')[1];
}

async function submit(page) {
  await page.getByRole('button', { name: 'Submit exam…' }).click();
  await page.getByRole('dialog', { name: 'Submit your exam?' }).getByRole('button', { name: 'Submit now' }).click();
  await page.waitForURL(/\/result$/);
}

async function flagsOf(sessionId, type) {
  return (await timeline(api, sessionId)).session.flags.filter((f) => f.flag_type === type);
}

async function cameraEvents(sessionId) {
  return (await timeline(api, sessionId)).events.filter((e) => e.kind === 'faces_counted' || e.kind.startsWith('camera_'));
}

const CAMERA_FLAGS = ['NO_FACE_DETECTED', 'MULTIPLE_FACES', 'CAMERA_UNAVAILABLE'];

/**
 * Records every request and WebSocket message the page (and its worker) sends, to prove that
 * no picture leaves the browser.
 */
function recordTraffic(context, page) {
  const sent = [];
  context.on('request', (request) => {
    sent.push({
      what: `${request.method()} ${request.url()}`,
      url: request.url(),
      type: request.headers()['content-type'] || '',
      body: request.postDataBuffer() || Buffer.alloc(0),
    });
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      sent.push({ what: `socket ${socket.url()}`, url: socket.url(), type: 'websocket', body: payload });
    });
  });
  return sent;
}

/** The longest string anywhere in a JSON value. */
function longestString(value) {
  if (typeof value === 'string') return value.length;
  if (value && typeof value === 'object') return Math.max(0, ...Object.values(value).map(longestString));
  return 0;
}

test('a refused camera keeps a camera-required exam from starting, and says how to allow it', async ({ playwright, baseURL }) => {
  const { browser, page } = await cameraBrowser(playwright, baseURL, 'one.y4m', { allow: false });
  try {
    await openCameraExam(page, REQUIRED);
    const start = page.getByRole('button', { name: 'Start exam' });
    await expect(start).toBeDisabled();
    await expect(page.getByText('Turn on your camera in the camera check above to start this exam.')).toBeVisible();
    await page.getByRole('button', { name: 'Turn on camera' }).click();
    await expect(page.getByRole('alert')).toContainText('Camera access was refused');
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
    await expect(start).toBeDisabled();
  } finally {
    await browser.close();
  }
});

test('a refused camera on an exam that allows it: the attempt starts, and the reviewer sees CAMERA_UNAVAILABLE', async ({ playwright, baseURL }) => {
  const { browser, page } = await cameraBrowser(playwright, baseURL, 'one.y4m', { allow: false });
  try {
    await openCameraExam(page, OPTIONAL);
    await page.getByRole('button', { name: 'Turn on camera' }).click();
    await expect(page.getByRole('alert')).toContainText('Camera access was refused');
    const sid = await startAttempt(page);
    await expect(page.getByTestId('camera-monitor')).toContainText('Camera off');
    await expect(page.getByTestId('camera-monitor').getByRole('alert')).toContainText('Camera access was refused');
    await expect.poll(async () => (await flagsOf(sid, 'CAMERA_UNAVAILABLE')).length, { timeout: 20_000 }).toBe(1);
    const [flag] = await flagsOf(sid, 'CAMERA_UNAVAILABLE');
    expect(flag.evidence.map((e) => e.kind)).toContain('camera_denied');
    await submit(page);
  } finally {
    await browser.close();
  }
});

test('one face: the preview finds it, counts of one reach the server, no camera flag, no picture sent, and the camera stops with the exam', async ({ playwright, baseURL }) => {
  const { browser, context, page } = await cameraBrowser(playwright, baseURL, 'one.y4m');
  const sent = recordTraffic(context, page);
  try {
    await openCameraExam(page, REQUIRED);
    const start = page.getByRole('button', { name: 'Start exam' });
    await expect(start).toBeDisabled();
    await page.getByRole('button', { name: 'Turn on camera' }).click();
    await expect(page.getByTestId('face-indicator')).toHaveText(/Face found/, { timeout: 20_000 });
    await expect(start).toBeEnabled();
    const sid = await startAttempt(page);
    const monitor = page.getByTestId('camera-monitor');
    await expect(monitor).toContainText('Camera on');
    // Samples spanning more than the MEDIUM no-face threshold (15 s): a wrong count of zero
    // would have raised NO_FACE_DETECTED by then.
    await expect
      .poll(async () => (await cameraEvents(sid)).filter((e) => e.kind === 'faces_counted').length, { timeout: 60_000, intervals: [2_000] })
      .toBeGreaterThanOrEqual(9);
    const counts = (await cameraEvents(sid)).filter((e) => e.kind === 'faces_counted').map((e) => JSON.parse(e.payload).faces);
    expect(counts.every((n) => n === 1), `every count is one face: ${counts}`).toBe(true);
    for (const type of CAMERA_FLAGS) expect(await flagsOf(sid, type), type).toHaveLength(0);

    await submit(page);
    const events = await cameraEvents(sid);
    expect(events[0].kind).toBe('camera_started');
    expect(events[events.length - 1].kind).toBe('camera_stopped');

    // Nothing the page sent could carry a picture: every message is small, no image type,
    // no data URL, no base64 JPEG or PNG, no binary socket frame, and no long string in any
    // telemetry message.
    expect(sent.some((s) => s.type === 'websocket')).toBe(true);
    for (const s of sent) {
      const text = Buffer.isBuffer(s.body) ? s.body.toString('latin1') : s.body;
      expect(s.url.startsWith('data:'), s.what).toBe(false);
      expect(s.type, s.what).not.toMatch(/^image\/|multipart/);
      expect(text.length, s.what).toBeLessThan(8 * 1024);
      expect(text, s.what).not.toMatch(/data:image|\/9j\/|iVBORw0KGgo|Qk[0-9A-Za-z+/]{2}AAAAAA/);
      if (s.type === 'websocket') {
        expect(Buffer.isBuffer(s.body), `binary frame on ${s.what}`).toBe(false);
        expect(longestString(JSON.parse(text)), s.what).toBeLessThan(200);
      }
    }
  } finally {
    await browser.close();
  }
});

test('no face in view: the preview says so, and NO_FACE_DETECTED is raised from the counts', async ({ playwright, baseURL }) => {
  const { browser, page } = await cameraBrowser(playwright, baseURL, 'none.y4m');
  try {
    await openCameraExam(page, OPTIONAL);
    await page.getByRole('button', { name: 'Turn on camera' }).click();
    await expect(page.getByTestId('face-indicator')).toHaveText(/No face found/, { timeout: 20_000 });
    const sid = await startAttempt(page);
    await expect.poll(async () => (await flagsOf(sid, 'NO_FACE_DETECTED')).length, { timeout: 60_000, intervals: [2_000] }).toBe(1);
    const [flag] = await flagsOf(sid, 'NO_FACE_DETECTED');
    expect(flag.evidence.length).toBeGreaterThan(0);
    expect(flag.evidence.every((e) => e.kind === 'faces_counted')).toBe(true);
    expect(await flagsOf(sid, 'MULTIPLE_FACES')).toHaveLength(0);
    await submit(page);
  } finally {
    await browser.close();
  }
});

test('two faces in view: the preview counts both, and MULTIPLE_FACES is raised', async ({ playwright, baseURL }) => {
  const { browser, page } = await cameraBrowser(playwright, baseURL, 'two.y4m');
  try {
    await openCameraExam(page, OPTIONAL);
    await page.getByRole('button', { name: 'Turn on camera' }).click();
    await expect(page.getByTestId('face-indicator')).toHaveText(/2 faces found/, { timeout: 20_000 });
    const sid = await startAttempt(page);
    await expect.poll(async () => (await flagsOf(sid, 'MULTIPLE_FACES')).length, { timeout: 40_000, intervals: [2_000] }).toBe(1);
    const [flag] = await flagsOf(sid, 'MULTIPLE_FACES');
    // The evidence names the samples that saw two faces.
    const faces = new Map((await cameraEvents(sid)).map((e) => [e.seq, e.kind === 'faces_counted' ? JSON.parse(e.payload).faces : null]));
    expect(flag.evidence.length).toBeGreaterThan(0);
    for (const e of flag.evidence) expect(faces.get(e.seq), `sample #${e.seq}`).toBe(2);
    expect(await flagsOf(sid, 'NO_FACE_DETECTED')).toHaveLength(0);
    await submit(page);
  } finally {
    await browser.close();
  }
});
