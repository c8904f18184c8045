// An author creates a question bank and imports a GIFT file into it (preview first, then one
// commit; the same file again adds nothing), submits the bank; a QA user approves one question
// and rejects another with a reason, which the author then reads.
const path = require('path');
const { test } = require('@playwright/test');
const { expect, hydrated, signIn } = require('./helpers');

const GIFT = path.join(__dirname, '../../shared/tests/fixtures/networking.gift');

test('an author imports a GIFT file and QA decides on the questions', async ({ page, browser }) => {
  const name = `Imported networking ${Date.now()}`;
  await signIn(page, 'author@demo.vigil.test');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Arun Author');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Question banks' }).click();
  await expect(page.getByRole('heading', { name: 'Question banks', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByText('New question bank').click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('Ports, layers and protocols');
  await page.getByRole('button', { name: 'Create bank' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText('This bank has no questions yet.')).toBeVisible();

  // Preview: what would be created, and what is skipped with its line.
  await page.getByLabel('File').setInputFiles(GIFT);
  await page.getByRole('button', { name: 'Preview import' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('9 new question(s) to import, 0 already in the bank, 3 skipped.');
  await expect(page.getByTestId('import-item')).toHaveCount(9);
  const findings = page.getByTestId('import-findings');
  await expect(findings).toContainText('line 46 (skipped): An answer block opens with { but never closes with }.');
  await expect(findings).toContainText('line 50 (skipped)');
  await expect(page.getByTestId('questions')).toHaveCount(0);

  await page.getByRole('button', { name: 'Import 9 question(s)' }).click();
  await expect(page.getByTestId('question-row')).toHaveCount(9);
  const https = page.locator('tr[data-title="HTTPS port"]');
  await expect(https.getByTestId('status')).toHaveText('✎ Draft');

  // The same file again: nothing new to import.
  await page.getByLabel('File').setInputFiles(GIFT);
  await page.getByRole('button', { name: 'Preview import' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('0 new question(s) to import, 9 already in the bank, 3 skipped.');
  await expect(page.getByRole('button', { name: 'Import 0 question(s)' })).toBeDisabled();

  await page.getByRole('button', { name: 'Submit the bank and its drafts for review' }).click();
  await expect(https.getByTestId('status')).toHaveText('⧗ In review');
  const bankUrl = page.url();

  // QA, in a browser of their own, approves one question and rejects another with a reason.
  const qa = await (await browser.newContext()).newPage();
  await signIn(qa, 'qa@demo.vigil.test');
  await expect(qa.getByTestId('signed-in-as')).toHaveText('Quinn Quality');
  await qa.goto(bankUrl);
  await hydrated(qa);
  const qaHttps = qa.locator('tr[data-title="HTTPS port"]');
  await qaHttps.getByRole('button', { name: 'Approve HTTPS port' }).click();
  await expect(qaHttps.getByTestId('status')).toHaveText('✓ Approved');
  const udp = qa.locator('tr[data-title="UDP"]');
  await udp.getByRole('button', { name: 'Reject UDP…' }).click();
  await udp.getByLabel('Why is it rejected? The author reads this.').fill('Say which transport DNS uses for large answers.');
  await udp.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(udp.getByTestId('status')).toHaveText('✗ Rejected');

  // The author reads the reason beside the question and may submit it again.
  await page.reload();
  await hydrated(page);
  const authorUdp = page.locator('tr[data-title="UDP"]');
  await expect(authorUdp.getByTestId('review-reason')).toHaveText('Rejected: Say which transport DNS uses for large answers.');
  await expect(authorUdp.getByRole('button', { name: 'Submit UDP for review' })).toBeVisible();
  await expect(page.locator('tr[data-title="HTTPS port"]').getByRole('button', { name: 'Approve HTTPS port' })).toHaveCount(0);

  // A duplicate starts a variant as a new draft; the approved original stays as it is.
  await page.getByRole('button', { name: 'Duplicate HTTPS port' }).click();
  await expect(page.locator('tr[data-title="HTTPS port (copy)"]').getByTestId('status')).toHaveText('✎ Draft');
  await expect(page.locator('tr[data-title="HTTPS port"]').getByTestId('status')).toHaveText('✓ Approved');
});
