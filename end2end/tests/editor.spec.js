// An author writes questions in the editor: bad input is named beside its field and nothing is
// saved; the preview is the player's own view; leaving with unsaved changes asks first; once
// QA approves a question, editing it makes version 2 and the history shows both.
const { test } = require('@playwright/test');
const { expect, hydrated, signIn } = require('./helpers');

async function newBank(page, name) {
  await page.goto('/banks');
  await hydrated(page);
  await page.getByText('New question bank').click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create bank' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await hydrated(page);
}

test('an author writes questions, QA approves one, and editing it makes a new version', async ({ page, browser }) => {
  await signIn(page, 'author@demo.vigil.test');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Arun Author');
  await newBank(page, `Written by hand ${Date.now()}`);
  const bankUrl = page.url();

  // Saving an empty question names each problem beside its field; nothing is saved.
  await page.getByRole('link', { name: 'Write a question' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Save question' }).click();
  await expect(page.locator('#error-title')).toHaveText('Give the question a title.');
  await expect(page.locator('#error-stem')).toHaveText("Write the question's text.");
  await expect(page.locator('#error-options')).toHaveText('Mark at least one option as correct.');
  await expect(page.getByLabel('Question text')).toHaveAttribute('aria-invalid', 'true');
  expect(page.url()).toMatch(/\/questions\/new$/);

  // A single-choice question; the preview is what a candidate sees.
  await page.getByLabel('Title').fill('HTTPS port');
  await page.getByLabel('Question text').fill('Which port does HTTPS use by default?');
  await page.getByLabel('Option 1 text').fill('443');
  await page.getByLabel('Option 2 text').fill('80');
  await page.getByLabel('Option 1 is right').check();
  const preview = page.getByTestId('preview');
  await expect(preview.getByText('Which port does HTTPS use by default?')).toBeVisible();
  await expect(preview.getByRole('radio', { name: '443' })).toBeVisible();
  await expect(preview.getByText('Question 1 of 1')).toBeVisible();
  await page.getByRole('button', { name: 'Save question' }).click();
  await page.waitForURL(/\/questions\/(?!new)[^/]+$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'HTTPS port', level: 1 })).toBeVisible();
  await expect(page.getByTestId('version')).toHaveCount(1);
  const questionUrl = page.url();

  // Leaving with unsaved changes asks first (here the author leaves anyway: the edit is dropped).
  await page.getByLabel('Title').fill('HTTPS port (edited)');
  await expect(page.getByTestId('save-status')).toHaveText('Unsaved changes.');
  const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.type()); d.accept(); }));
  await page.goto(bankUrl);
  expect(await asked).toBe('beforeunload');
  await hydrated(page);
  await expect(page.locator('tr[data-title="HTTPS port"]')).toHaveCount(1);

  // A number with a negative tolerance is refused beside the tolerance.
  await page.goto(`${bankUrl}/questions/new`);
  await hydrated(page);
  await page.getByLabel('Type').selectOption({ label: 'Number' });
  await page.getByLabel('Title').fill('Gravity');
  await page.getByLabel('Question text').fill('Standard gravity in m/s²?');
  await page.getByLabel('Right number').fill('9.81');
  await page.getByLabel('Tolerance (±)').fill('-1');
  await page.getByRole('button', { name: 'Save question' }).click();
  await expect(page.locator('#error-answers-0--tolerance')).toHaveText('The tolerance is a number of 0 or more.');
  await page.getByLabel('Tolerance (±)').fill('0.01');
  await page.getByRole('button', { name: 'Save question' }).click();
  await page.waitForURL(/\/questions\/(?!new)[^/]+$/);

  // Submitted, approved by QA, then edited: version 2 is a draft, version 1 stays approved.
  await page.goto(bankUrl);
  await hydrated(page);
  await page.getByRole('button', { name: 'Submit HTTPS port for review' }).click();
  await expect(page.locator('tr[data-title="HTTPS port"]').getByTestId('status')).toHaveText('⧗ In review');
  const qa = await (await browser.newContext()).newPage();
  await signIn(qa, 'qa@demo.vigil.test');
  await expect(qa.getByTestId('signed-in-as')).toHaveText('Quinn Quality');
  await qa.goto(bankUrl);
  await hydrated(qa);
  await qa.getByRole('button', { name: 'Approve HTTPS port' }).click();
  await expect(qa.locator('tr[data-title="HTTPS port"]').getByTestId('status')).toHaveText('✓ Approved');

  await page.goto(questionUrl);
  await hydrated(page);
  await expect(page.getByText('Saving makes a new version as a draft')).toBeVisible();
  await page.getByLabel('Question text').fill('Which TCP port does HTTPS use by default?');
  await page.getByRole('button', { name: 'Save question' }).click();
  await expect(page.getByTestId('save-status')).toHaveText('Saved as version 2, a draft. Approved versions stay as they were.');
  await page.reload();
  await hydrated(page);
  const versions = page.getByTestId('version');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText('Version 2');
  await expect(versions.nth(0)).toContainText('Draft');
  await expect(versions.nth(1)).toContainText('Version 1');
  await expect(versions.nth(1)).toContainText('Approved');
});
