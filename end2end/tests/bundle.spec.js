// The browser bundle is split (`cargo leptos build --split`, app/src/routes.rs): a candidate
// taking an exam downloads the main bundle only, never the staff pages' code, which is fetched
// when such a page is opened — and a staff page loaded straight from the server, its code
// arriving after the main bundle, still works.
const { test } = require('@playwright/test');
const { expect, hydrated, signIn, openExam } = require('./helpers');

/** The names of the .wasm files the page requests from now on. */
function wasmFiles(page) {
  const names = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('.wasm')) names.push(path.split('/').pop());
  });
  return names;
}

test('a candidate taking an exam fetches nothing of the staff pages', async ({ page }) => {
  const wasm = wasmFiles(page);
  await openExam(page);
  // The player's own code runs (toggled there and back: later tests share this attempt).
  await page.getByRole('button', { name: 'Show all questions on one page' }).click();
  await expect(page.getByRole('button', { name: 'Show one question at a time' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Show one question at a time' }).click();
  await expect(page.getByRole('button', { name: 'Show all questions on one page' })).toHaveAttribute('aria-pressed', 'false');
  expect([...new Set(wasm)]).toEqual(['vigil.wasm']);
});

test('an exam page opened straight from the server hydrates from what it carries', async ({ page }) => {
  // The load benchmark (bench/src/exam_load/) has each candidate read its questions from the
  // page rather than ask for them again; that holds only while hydration does the same.
  const sessionId = await openExam(page);
  const asked = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/')) asked.push(path);
  });
  await page.goto(`/sessions/${sessionId}`);
  await hydrated(page);
  await expect(page.getByTestId('link')).toHaveText('connected');
  await expect(page.getByTestId('position')).toBeVisible();
  expect(asked).not.toContain('/api/exam_session');
});

test('a staff page opened straight from the server loads its own code and works', async ({ page }) => {
  const wasm = wasmFiles(page);
  await signIn(page, 'author@demo.vigil.test');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Arun Author');
  await page.goto('/banks');
  // The page names the staff pages' file for the browser to fetch beside the main bundle, not
  // after it.
  await expect(page.locator('link[rel="preload"][href*="staff_page"]')).toHaveCount(1);
  await hydrated(page);
  expect(wasm.some((name) => name.includes('staff_page'))).toBe(true);

  const name = `Split bank ${Date.now()}`;
  await page.getByText('New question bank').click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create bank' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
});
