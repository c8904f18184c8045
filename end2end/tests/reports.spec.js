// A report reader finds an exam's report from the header and reads it in Chromium: the
// overview, the charts with their tables, the item analysis, and the choice of attempts.
// (The numbers themselves are checked against a hand-worked example in server/tests/reports.rs.)
const { test, expect } = require('@playwright/test');
const { hydrated, signIn } = require('./helpers');

test('a report reader opens an exam report and chooses which attempts count', async ({ page }) => {
  // The coordinator (a report reader too): the report viewer's own sessions are counted by
  // security.spec.js.
  await signIn(page, 'coordinator@demo.vigil.test');
  await page.getByRole('link', { name: 'Reports', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Reports', exact: true })).toBeVisible();
  await page.getByTestId('report-exams').getByRole('link', { name: 'Networking Fundamentals' }).click();
  await expect(page.getByRole('heading', { name: 'Report: Networking Fundamentals' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByTestId('overview')).toContainText('Started');
  // The chart's numbers are there for screen readers as a table.
  await expect(page.getByRole('figure').first().locator('svg')).toBeVisible();
  await page.getByText('Scores (percent) as a table').click();
  await expect(page.getByRole('row', { name: /^90–100%/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Highest-scoring attempts' })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('link', { name: 'All attempts' }).click();
  await page.waitForURL(/attempts=ALL/);
  await expect(page.getByRole('link', { name: 'All attempts' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('few-attempts')).toBeVisible();
});

test('a candidate has no reports', async ({ page }) => {
  await signIn(page, 'candidate@demo.vigil.test');
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Reports', exact: true })).toHaveCount(0);
  await page.goto('/reports');
  await hydrated(page);
  await expect(page.getByText('No exam to report on yet')).toBeVisible();
});
