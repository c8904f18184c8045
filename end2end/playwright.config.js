// Playwright drives Debian's Chromium (/usr/bin/chromium) against a real Vigil server that
// this config starts on its own port with a fresh database and the demo data.
const { defineConfig } = require('@playwright/test');

// A port of its own per run, so a developer's server or a parallel run does not collide.
// Set in the environment so the test workers, started later, read the same port.
process.env.E2E_PORT = process.env.E2E_PORT || String(3100 + (process.pid % 800));
const port = process.env.E2E_PORT;

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `./start-server.sh ${port}`,
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
