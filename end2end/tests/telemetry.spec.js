// Every proctoring signal, triggered in real Chromium — for real where Chromium can (keyboard,
// clipboard, right click, fullscreen, viewport, offline), by dispatching the DOM event where it
// cannot (visibility, focus) — and checked on the server: the stored event and, where a rule
// applies, the flag with its severity and the events it names as evidence.
const { test } = require('@playwright/test');
const { expect, hydrated, openExam, reviewerApi, timeline, drained, setVisibility } = require('./helpers');

test.describe.configure({ mode: 'serial' });

let api;
test.beforeAll(async ({ playwright, baseURL }) => {
  api = await reviewerApi(playwright, baseURL);
});
test.afterAll(async () => api && api.dispose());

/** Events after `since`, as stored on the server. */
async function eventsSince(sessionId, since) {
  const t = await timeline(api, sessionId);
  return t.events.filter((e) => e.seq > since);
}

async function flagsOf(sessionId, type) {
  const t = await timeline(api, sessionId);
  return t.session.flags.filter((f) => f.flag_type === type);
}

/** The flag of `type` raised after the first `before` ones: its severity and evidence kinds. */
async function newFlag(sessionId, type, before) {
  await expect.poll(async () => (await flagsOf(sessionId, type)).length, { message: `a new ${type} flag`, timeout: 15_000 }).toBeGreaterThan(before);
  const flag = (await flagsOf(sessionId, type))[before];
  return { severity: flag.severity, kinds: flag.evidence.map((e) => e.kind), evidence: flag.evidence };
}

async function expectEvent(sessionId, since, kind, check = () => true) {
  await expect
    .poll(async () => (await eventsSince(sessionId, since)).some((e) => e.kind === kind && check(JSON.parse(e.payload))), {
      message: `a ${kind} event after #${since}`,
      timeout: 15_000,
    })
    .toBe(true);
}

test('keyboard, clipboard and mouse signals', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const sid = await openExam(page);
  const since = await drained(page);
  const count = async (type) => (await flagsOf(sid, type)).length;
  const before = { paste: await count('COPY_PASTE'), screenshot: await count('SCREENSHOT_ATTEMPT'), devtools: await count('DEVTOOLS_OPEN') };

  // Copy: select a question's text and press Control+C.
  await page.getByText('Which layer of the OSI model does IP belong to?').selectText();
  await page.keyboard.press('Control+C');
  // Paste a long text into the short answer, on question 3 (reached from the palette).
  await page.getByRole('link', { name: /^Question 3:/ }).click();
  const answer = page.getByLabel('Your answer');
  await answer.click();
  await page.evaluate(() => navigator.clipboard.writeText('port 443 is the default for HTTPS, as every textbook explains'));
  await page.keyboard.press('Control+V');
  // Cut it again, select all, right click, print screen, the devtools key.
  await answer.selectText();
  await page.keyboard.press('Control+X');
  await page.keyboard.press('Control+A');
  await page.getByText('Question 3 of 3').first().click({ button: 'right' });
  await page.keyboard.press('PrintScreen');
  await page.keyboard.press('F12');
  await drained(page);

  await expectEvent(sid, since, 'copy', (p) => p.length > 10);
  await expectEvent(sid, since, 'paste', (p) => p.length === 61 && /^[0-9a-f]{16}$/.test(p.hash));
  await expectEvent(sid, since, 'cut', (p) => p.length === 61);
  await expectEvent(sid, since, 'context_menu');
  for (const key of ['copy', 'paste', 'cut', 'select_all', 'print_screen', 'dev_tools']) {
    await expectEvent(sid, since, 'shortcut', (p) => p.key === key);
  }
  // The pasted text itself never reached the server.
  const stored = JSON.stringify(await eventsSince(sid, since));
  expect(stored).not.toContain('textbook');

  // The paste of 61 characters is a MEDIUM copy/paste flag naming the paste; the copy of the
  // question's 47 characters stays below MEDIUM's 50 and raises none.
  const pasteFlags = (await flagsOf(sid, 'COPY_PASTE')).slice(before.paste);
  const paste = pasteFlags.find((f) => f.evidence[0].kind === 'paste');
  expect(paste.severity).toBe('MEDIUM');
  expect(paste.evidence.length).toBe(1);
  expect(pasteFlags.find((f) => f.evidence[0].kind === 'copy')).toBeUndefined();
  // Print-screen: always HIGH, naming the key press.
  const screenshot = await newFlag(sid, 'SCREENSHOT_ATTEMPT', before.screenshot);
  expect(screenshot.severity).toBe('HIGH');
  expect(screenshot.kinds).toEqual(['shortcut']);
  expect(screenshot.evidence[0].description).toContain('print-screen');
  if (before.devtools === 0) {
    const devtools = await newFlag(sid, 'DEVTOOLS_OPEN', 0);
    expect(devtools.severity).toBe('MEDIUM');
    expect(devtools.evidence[0].description).toContain('developer-tools');
  }
});

test('visibility, focus and fullscreen are measured in time', async ({ page }) => {
  const sid = await openExam(page);
  const since = await drained(page);
  const tabSwitches = (await flagsOf(sid, 'TAB_SWITCH')).length;
  const blurFlags = (await flagsOf(sid, 'WINDOW_BLUR')).length;

  // Headless Chromium never hides a page or loses focus for real: dispatch what it would.
  await setVisibility(page, 'hidden');
  await page.waitForTimeout(2_500);
  await setVisibility(page, 'visible');
  for (let i = 0; i < 4; i++) {
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  }
  // Fullscreen for real (page.evaluate counts as a user gesture), then leave it for 6 s.
  await page.evaluate(() => document.documentElement.requestFullscreen());
  await page.waitForTimeout(300);
  await page.evaluate(() => document.exitFullscreen());
  await page.waitForTimeout(6_000);
  await drained(page);

  for (const kind of ['visibility_hidden', 'visibility_visible', 'window_blur', 'window_focus', 'fullscreen_entered', 'fullscreen_exited', 'heartbeat']) {
    await expectEvent(sid, since, kind);
  }
  await expect.poll(async () => (await flagsOf(sid, 'TAB_SWITCH')).length).toBe(tabSwitches + 1);
  const tab = await newFlag(sid, 'TAB_SWITCH', tabSwitches);
  expect(tab.severity).toBe('MEDIUM');
  expect(tab.kinds[0]).toBe('visibility_hidden');
  expect(tab.evidence[1].seq).toBeGreaterThan(tab.evidence[0].seq);
  await expect.poll(async () => (await flagsOf(sid, 'WINDOW_BLUR')).length).toBe(blurFlags + 1);
  const blur = await newFlag(sid, 'WINDOW_BLUR', blurFlags);
  expect(blur.severity).toBe('MEDIUM');
  expect(blur.kinds).toEqual(['window_blur', 'window_blur', 'window_blur', 'window_blur']);
  const exit = await newFlag(sid, 'FULLSCREEN_EXIT', 0);
  expect(exit.severity).toBe('MEDIUM');
  expect(exit.kinds[0]).toBe('fullscreen_exited');
});

test('window size, screens and the devtools heuristic', async ({ browser }) => {
  const context = await browser.newContext();
  // Chromium here has one screen and no docked devtools: make it report otherwise.
  await context.addInitScript(() => {
    Object.defineProperty(Screen.prototype, 'isExtended', { configurable: true, get: () => true });
    Object.defineProperty(window, 'outerWidth', { configurable: true, get: () => window.innerWidth + 400 });
  });
  const page = await context.newPage();
  const sid = await openExam(page);
  const since = await drained(page);
  await page.setViewportSize({ width: 900, height: 700 });
  await drained(page);
  await expectEvent(sid, since, 'resize', (p) => p.width === 900 && p.height === 700);
  await expectEvent(sid, 0, 'screens', (p) => p.extended === true);
  await expectEvent(sid, 0, 'devtools_suspected', (p) => p.width_gap >= 400);
  const screens = await newFlag(sid, 'MULTIPLE_SCREENS', 0);
  expect(screens.severity).toBe('MEDIUM');
  expect(screens.kinds).toEqual(['screens']);
  await context.close();
});

test('events recorded offline wait on the device, arrive when the link is back, and a long outage is flagged', async ({ page, context }) => {
  // context.setOffline does not cut a WebSocket that is already open: route the socket, so the
  // test can close it and refuse reconnections for as long as the outage lasts.
  let cut = false;
  const sockets = [];
  await page.routeWebSocket(/\/ws\/telemetry\//, (ws) => {
    if (cut) {
      ws.close();
      return;
    }
    ws.connectToServer();
    sockets.push(ws);
  });
  // The browser's clock, moved forward, so the outage lasts 40 s without the test waiting.
  await page.clock.install();
  const sid = await openExam(page);
  const since = await drained(page);
  const offlineFlags = (await flagsOf(sid, 'NETWORK_OFFLINE')).length;

  cut = true;
  for (const ws of sockets.splice(0)) await ws.close();
  await context.setOffline(true);
  await expect(page.getByTestId('link')).not.toHaveText('connected');
  await page.getByText('Question 1 of 3').first().click({ button: 'right' });
  await page.getByTestId('position').click({ button: 'right' });
  await page.clock.fastForward('00:40');
  // The events wait on the device; the server has none of them.
  await expect(page.getByTestId('queued')).not.toHaveText('0');
  expect(await eventsSince(sid, since)).toEqual([]);

  cut = false;
  await context.setOffline(false);
  // Let the client's reconnection back-off run out.
  await page.clock.fastForward('00:20');
  await expect(page.getByTestId('link')).toHaveText('connected', { timeout: 20_000 });
  await drained(page);
  await expectEvent(sid, since, 'offline');
  await expectEvent(sid, since, 'online');
  const menus = (await eventsSince(sid, since)).filter((e) => e.kind === 'context_menu');
  expect(menus.length).toBe(2);
  // 40 s offline is past MEDIUM's 30 s: one LOW flag naming the offline event.
  const offline = await newFlag(sid, 'NETWORK_OFFLINE', offlineFlags);
  expect(offline.severity).toBe('LOW');
  expect(offline.kinds[0]).toBe('offline');
  expect((await flagsOf(sid, 'NETWORK_OFFLINE')).length).toBe(offlineFlags + 1);
});

test('events recorded just before a reload arrive exactly once', async ({ page }) => {
  const sid = await openExam(page);
  const since = await drained(page);
  // Hold the WebSocket so nothing is acknowledged: the events wait in browser storage.
  let hold = true;
  await page.routeWebSocket(/\/ws\/telemetry\//, (ws) => {
    if (!hold) ws.connectToServer();
  });
  await page.reload();
  // The recorder starts with hydration: events before it cannot be recorded at all.
  await hydrated(page);
  await expect(page.getByTestId('link')).not.toHaveText('connected');
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('position').click({ button: 'right' });
  }
  await expect(page.getByTestId('queued')).not.toHaveText('0');
  // Reload: the page-hide beacon sends them, and the next page re-sends them from storage.
  hold = false;
  await page.reload();
  await expect(page.getByTestId('link')).toHaveText('connected');
  await drained(page);
  const events = await eventsSince(sid, since);
  const menus = events.filter((e) => e.kind === 'context_menu');
  expect(menus.length).toBe(3);
  const seqs = events.map((e) => e.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  // Sequence numbers run on without gaps across both reloads.
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
});
