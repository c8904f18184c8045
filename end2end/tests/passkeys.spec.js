// Passkeys in Chromium with its virtual authenticator (DevTools protocol, WebAuthn domain): one
// added on the account page, then signing in with it alone, and as the second step after a
// password. The server runs on its own with `localhost` as its public host: WebAuthn refuses an
// IP address as the relying party.
const { test, expect } = require('@playwright/test');
const { hydrated, ownServer } = require('./helpers');

const EMAIL = 'candidate@demo.vigil.test';
const PASSWORD = 'vigil-demo-password';

test('a passkey is added, signs in on its own, serves as the second step, and is removed', async ({ page, context }) => {
  const server = await ownServer('passkeys', { host: 'localhost' });
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    const passwordSignIn = async () => {
      await page.goto(`${server.base}/signin`);
      await hydrated(page);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    };
    const signOut = async () => {
      // A passkey sign-in reloads the page: a click before hydration would be lost.
      await hydrated(page);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/signin/);
    };

    await passwordSignIn();
    await expect(page.getByTestId('signed-in-as')).toHaveText('Cam Candidate');
    await page.goto(`${server.base}/account`);
    await hydrated(page);
    await expect(page.getByTestId('passkeys-empty')).toBeVisible();
    await page.getByLabel('Name for the new passkey').fill('Work laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(page.getByText('Passkey added.')).toBeVisible();
    await expect(page.getByTestId('passkey')).toHaveCount(1);
    await expect(page.getByTestId('passkey')).toContainText('Work laptop');
    await expect(page.getByTestId('passkey')).toContainText('not used yet');
    // The authenticator holds it as a discoverable credential: it can name the account itself.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].isResidentCredential).toBe(true);

    // On its own: no email, no password.
    await signOut();
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(page.getByTestId('signed-in-as')).toHaveText('Cam Candidate');

    // After a password, the passkey is the second step (the account has no authenticator app).
    await signOut();
    await passwordSignIn();
    await expect(page.getByLabel('Code from your authenticator app')).toHaveCount(0);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect(page.getByTestId('signed-in-as')).toHaveText('Cam Candidate');

    // Removed (asked first), it no longer signs in: the authenticator's copy is refused.
    await page.goto(`${server.base}/account`);
    await hydrated(page);
    await expect(page.getByTestId('passkey')).toContainText('last used');
    await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
    await page.getByTestId('confirm-action').click();
    await expect(page.getByTestId('passkeys-empty')).toBeVisible();
    await signOut();
    await hydrated(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect(page.getByRole('alert')).toContainText('not accepted');
    await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
    // And the password alone signs in again.
    await passwordSignIn();
    await expect(page.getByTestId('signed-in-as')).toHaveText('Cam Candidate');
  } finally {
    await server.kill();
  }
});
