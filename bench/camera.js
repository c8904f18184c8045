// Drives bench/camera.sh's measurement (see there): Playwright's Chromium with a fake camera,
// the demo candidate on the demo exams, CPU from /proc.
const { chromium } = require('@playwright/test');
const fs = require('fs');
const path = require('path');

const [base, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 60);
const video = path.join(__dirname, '..', 'end2end', '.camera-frames', 'one.y4m');
const TICKS = 100; // USER_HZ on Linux
const CONSENT = 'I have read what is monitored during this exam and I agree to it.';

/** Every process under `pid` with its type (browser, renderer, gpu-process, utility…). */
function processTree(pid) {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map();
  for (const p of all) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch (_) {
      // gone
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
  return tree.map((p) => {
    let type = 'browser';
    try {
      const m = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').match(/--type=([a-z-]+)/);
      if (m) type = m[1];
      const utility = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').match(/--utility-sub-type=([a-zA-Z.]+)/);
      if (utility) type += ` (${utility[1].split('.').slice(-1)[0]})`;
    } catch (_) {
      // gone
    }
    return { pid: p, type };
  });
}

function cpuTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch (_) {
    return 0;
  }
}

/** CPU of every Chromium process over `s` seconds, as % of one core, by process type. */
async function measureCpu(rootPid, s) {
  const procs = processTree(rootPid).filter((p) => p.pid !== rootPid);
  const before = new Map(procs.map((p) => [p.pid, cpuTicks(p.pid)]));
  const start = Date.now();
  await new Promise((r) => setTimeout(r, s * 1000));
  const wall = (Date.now() - start) / 1000;
  const byType = {};
  for (const p of procs) {
    const used = (cpuTicks(p.pid) - before.get(p.pid)) / TICKS;
    byType[p.type] = (byType[p.type] || 0) + (100 * used) / wall;
  }
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  return { byType, total };
}

function show(label, cpu) {
  console.log(`${label}: ${cpu.total.toFixed(1)} % of one core in all Chromium processes`);
  for (const [type, pct] of Object.entries(cpu.byType).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${type.padEnd(28)} ${pct.toFixed(1)} %`);
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  // Chromium's processes are this script's descendants (Playwright starts the browser itself);
  // the script's own process is left out.
  const rootPid = process.pid;
  const page = await browser.newPage({ baseURL: base });
  const ready = () => page.waitForSelector('body[data-hydrated="true"]');
  await page.goto('/signin');
  await ready();
  await page.getByLabel('Email').fill('candidate@demo.vigil.test');
  await page.getByLabel('Password').fill('vigil-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome, Cam Candidate' }).waitFor();

  async function start(title, camera) {
    await page.goto('/');
    await page.getByRole('link', { name: `Open exam: ${title}` }).click();
    await page.waitForURL(/\/exams\//);
    await ready();
    await page.getByLabel(CONSENT).check();
    if (camera) {
      await page.getByRole('button', { name: 'Turn on camera' }).click();
      await page.getByTestId('face-indicator').getByText('Face found').waitFor({ timeout: 30_000 });
    }
    await page.getByRole('button', { name: 'Start exam' }).click();
    await page.waitForURL(/\/sessions\//);
    await ready();
  }

  // The same kind of exam page without the camera, for comparison.
  await start('Networking Fundamentals — Midterm', false);
  await page.waitForTimeout(5_000);
  const without = await measureCpu(rootPid, Math.min(seconds, 30));

  await start('Camera Check — Camera Required', true);
  await page.getByTestId('camera-monitor').getByText('Camera on').waitFor();
  await page.waitForTimeout(5_000);
  const times = [];
  const sampling = setInterval(async () => {
    const ms = await page.getByTestId('camera-monitor').getAttribute('data-detect-ms').catch(() => null);
    if (ms) times.push(Number(ms));
  }, 2_000);
  const withCamera = await measureCpu(rootPid, seconds);
  clearInterval(sampling);
  const monitorText = await page.getByTestId('camera-monitor').innerText();
  await browser.close();

  if (times.length === 0) {
    throw new Error(`no detection time was read from the page: the camera monitor says "${monitorText}"`);
  }
  const sorted = times.slice().sort((a, b) => a - b);
  console.log(`detection per frame (320 wide, in the worker, ${sorted.length} frames over ${seconds} s): ` +
    `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`);
  show('exam page without the camera', without);
  show('exam page with the camera on (one frame every 2 s)', withCamera);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
