// The page's script policy in a real browser: Vigil's own code hydrates and streams under it,
// and a script injected into the page does not run.
const { test, expect } = require('@playwright/test');
const { hydrated, invitationLinkFor, signIn, totpCode, linkWhenSent } = require('./helpers');

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

test('a person renames themselves and sees where they are signed in', async ({ page, browser }) => {
  // A second browser signed in as the same person, to appear in the list.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, 'reports@demo.vigil.test');
  await expect(otherPage.getByTestId('signed-in-as')).toBeVisible();

  await signIn(page, 'reports@demo.vigil.test');
  await page.getByTestId('signed-in-as').click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  await hydrated(page);
  const rows = page.getByTestId('my-sessions').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1);

  // Signing the other browser out asks first.
  await page.getByRole('button', { name: /^Sign out Chrome/ }).click();
  await page.getByTestId('confirm-action').click();
  await expect(rows).toHaveCount(1);
  await otherPage.reload();
  await expect(otherPage.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await other.close();

  await page.getByLabel(/Your name/).fill('Rory R. Reports');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('status')).toContainText('Saved: Rory R. Reports.');
});

test('a forgotten password is reset from the emailed link, which works once', async ({ page }) => {
  const { invitationLinkFor } = require('./helpers');
  const email = 'superadmin@demo.vigil.test';
  await page.goto('/signin');
  await hydrated(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account uses that address');

  let link;
  await expect.poll(() => {
    try { link = invitationLinkFor(email, undefined, 'reset'); return true; } catch { return false; }
  }).toBe(true);
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel('New password').fill('a new password for QA');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed.');

  await page.goto(link);
  await hydrated(page);
  await page.getByLabel('New password').fill('yet another password');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('alert')).toContainText('expired or was already used');

  await signIn(page, email, 'a new password for QA');
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
});

test('two-step sign-in: set up with an authenticator code, then asked for after the password', async ({ page }) => {
  const email = `two-step-${Date.now()}@example.test`;
  const password = 'two-step password 1';
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Your name').fill('Tess Two-Step');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /Create/ }).click();
  // The account signs in only once its address is proven by the emailed link.
  await expect(page.getByTestId('check-email')).toContainText(email);
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  await page.goto(await linkWhenSent(email, undefined, 'verify-email'));
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm and sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();

  await page.getByTestId('signed-in-as').click();
  await hydrated(page);
  await expect(page.getByTestId('second-factor-state')).toContainText('Off');
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const key = await page.getByTestId('second-factor-key').textContent();
  await page.getByLabel('The 6-digit code your app shows').fill('000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('alert')).toContainText('not right');
  // The current step to turn it on, the next one to sign in: the server allows a step of drift
  // either way and accepts each step once, so a clock tick between typing and checking cannot
  // make either code stale or reused.
  await page.getByLabel('The 6-digit code your app shows').fill(totpCode(key));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await expect(page.getByTestId('second-factor-state')).toContainText('On');

  // Signed out, the password alone is not enough.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  await signIn(page, email, password);
  const codeField = page.getByLabel('Code from your authenticator app');
  await expect(codeField).toBeVisible();
  await codeField.fill('123456');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('not right');
  await codeField.fill(totpCode(key, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('signed-in-as')).toHaveText('Tess Two-Step');
});
