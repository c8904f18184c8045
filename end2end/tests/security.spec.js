// The page's script policy in a real browser: Vigil's own code hydrates and streams under it,
// and a script injected into the page does not run.
const { test, expect } = require('@playwright/test');
const { hydrated, signIn } = require('./helpers');

test('pages run under a strict script policy: the app works and an injected script does not run', async ({ page }) => {
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });

  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Cam Candidate' })).toBeVisible();
  await hydrated(page);
  expect(violations, 'Vigil itself breaks no rule of its policy').toEqual([]);

  // What an attacker's stored text would try once in the page: a script with no nonce.
  const ran = await page.evaluate(async () => {
    window.injected = false;
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.injected;
  });
  expect(ran).toBe(false);
  await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
});
