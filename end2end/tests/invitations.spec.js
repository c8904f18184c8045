// An enrollment manager invites a new candidate by email; the candidate opens the link,
// creates an account and is enrolled; the manager sees the status change and grants extra time.
const { test } = require('@playwright/test');
const { expect, hydrated, signIn, invitationLinkFor, linkWhenSent } = require('./helpers');

test('an invited person creates an account from the link and appears as accepted', async ({ page, browser }) => {
  const email = `invitee-${Date.now()}@example.org`;
  await signIn(page, 'enrollment@demo.vigil.test');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrollments' }).click();
  await page.getByRole('link', { name: 'Networking Fundamentals — Midterm' }).click();
  await hydrated(page);

  // A typo is refused with the address named, and nothing is sent.
  await page.getByLabel('Email addresses').fill(`${email}, not-an-address`);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await expect(page.getByRole('alert')).toContainText('not-an-address');

  await page.getByLabel('Email addresses').fill(email);
  await page.getByLabel('Percent of the duration').fill('50');
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await expect(page.getByTestId('invite-result')).toContainText('1 invitation(s) sent.');
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row.getByTestId('roster-status')).toContainText('Invited');
  await expect(row).toContainText('+50% time');

  // Sent again (say the first message got lost): a new link replaces the first one.
  const first = await linkWhenSent(email);
  const resent = page.waitForResponse((r) => r.url().endsWith('/api/invite') && r.status() === 200);
  await row.getByRole('button', { name: `Send the invitation to ${email} again` }).click();
  await resent;
  // The server writes the message to its log as it answers: wait for the line, not the reply.
  await expect.poll(() => invitationLinkFor(email)).not.toBe(first);
  const link = invitationLinkFor(email);

  // The invitee, in a browser of their own, follows the link from the message.
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(first);
  await expect(invitee.getByRole('alert')).toContainText('replaced by a newer one');
  await invitee.goto(link);
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: 'You are invited' })).toBeVisible();
  await expect(invitee.getByTestId('invited-email')).toHaveText(email);
  await invitee.getByLabel('Your name').fill('Ines Invitee');
  await expect(invitee.getByText(/At least 10 characters, not easy to guess/)).toBeVisible();
  await invitee.getByLabel('Choose a password').fill('a long enough password');
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await invitee.waitForURL(/\/exams\//);
  await expect(invitee.getByRole('heading', { name: 'Networking Fundamentals — Midterm' })).toBeVisible();
  await expect(invitee.getByTestId('signed-in-as')).toHaveText('Ines Invitee');

  // The link worked once.
  await invitee.goto(link);
  await expect(invitee.getByRole('alert')).toContainText('already been used');

  // The manager's roster now shows the person by name, accepted; extra time can be changed.
  await page.reload();
  await hydrated(page);
  await expect(row).toContainText('Ines Invitee');
  await expect(row.getByTestId('roster-status')).toHaveText('Accepted');
  await row.getByLabel('Extra time in percent for Ines Invitee').fill('25');
  await row.getByRole('button', { name: 'Save extra time for Ines Invitee' }).click();
  // Reloading before the save answered would cancel it: wait for the page to confirm it.
  await expect(page.getByTestId('roster-saved')).toHaveText('Extra time saved.');
  await page.reload();
  await hydrated(page);
  await expect(row.getByLabel('Extra time in percent for Ines Invitee')).toHaveValue('25');
});
