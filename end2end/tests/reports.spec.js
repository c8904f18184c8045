// A report reader finds an exam's report from the header and reads it in Chromium: the
// overview, the charts with their tables, the item analysis, and the choice of attempts.
// (The numbers themselves are checked against a hand-worked example in server/tests/reports.rs.)
const { test, expect } = require('@playwright/test');
const { hydrated, openExamPage, ownServer, signIn, PASSWORD } = require('./helpers');

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

test('a report narrows to a department and days, and prints a candidate\'s answers sheet', async ({ browser }) => {
  // A server of its own: the demo candidate submits an attempt nobody else's test counts on.
  const server = await ownServer('reports');
  const contexts = [];
  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const signInAt = async (page, email) => {
    await page.goto(`${server.base}/signin`);
    await hydrated(page);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  };
  try {
    const cand = await newPage();
    await signInAt(cand, 'candidate@demo.vigil.test');
    await openExamPage(cand, /Open exam: Networking Fundamentals/);
    await cand.getByLabel('I have read what is monitored during this exam and I agree to it.').check();
    await cand.getByRole('button', { name: 'Start exam' }).click();
    await cand.waitForURL(/\/sessions\//);
    await hydrated(cand);
    await cand.getByRole('button', { name: 'Submit exam…' }).click();
    await cand.getByRole('dialog', { name: 'Submit your exam?' }).getByRole('button', { name: 'Submit now' }).click();
    await cand.waitForURL(/\/result$/);

    const staff = await newPage();
    await signInAt(staff, 'coordinator@demo.vigil.test');
    await staff.getByRole('link', { name: 'Reports', exact: true }).click();
    await staff.getByTestId('report-exams').getByRole('link', { name: 'Networking Fundamentals' }).click();
    await hydrated(staff);
    await expect(staff.getByTestId('counted')).toHaveText('1');

    // One department, then days long past: the attempt is not among them.
    const filter = staff.getByTestId('report-filter');
    await filter.getByLabel('Department').selectOption({ label: 'Computer Science' });
    await filter.getByRole('button', { name: 'Apply' }).click();
    await staff.waitForURL(/department=/);
    await expect(staff.getByTestId('counted')).toHaveText('1');
    await filter.getByLabel('Started from day').fill('2020-01-01');
    await filter.getByLabel('to day').fill('2020-12-31');
    await filter.getByRole('button', { name: 'Apply' }).click();
    await staff.waitForURL(/from=2020-01-01/);
    await expect(staff.getByTestId('counted')).toHaveText('0');
    await expect(staff.getByText('No submitted attempt to analyse yet.')).toBeVisible();
    // A range that ends before it starts is refused with a reason, and the way back is offered.
    await staff.goto(`${server.base}${new URL(staff.url()).pathname}?attempts=HIGHEST&from=2020-12-31&to=2020-01-01`);
    await expect(staff.getByRole('alert')).toContainText('The first day is after the last one.');
    await staff.getByRole('link', { name: 'Show the whole exam' }).click();
    await hydrated(staff);
    await expect(staff.getByTestId('counted')).toHaveText('1');

    // The candidate's answers sheet, found by name, to print.
    await staff.getByLabel("Candidate's name or email").fill('cam');
    await staff.getByRole('button', { name: 'Find attempts' }).click();
    await staff.getByRole('link', { name: 'Answers of Cam Candidate, attempt 1' }).click();
    await staff.waitForURL(/\/reports\/attempts\//);
    await hydrated(staff);
    await expect(staff.getByRole('heading', { name: 'Answers: Cam Candidate' })).toBeVisible();
    await expect(staff.getByTestId('sheet-question').first()).toContainText('No answer');
    await staff.evaluate(() => {
      window.printed = 0;
      window.print = () => { window.printed += 1; };
    });
    await staff.getByRole('button', { name: 'Print this sheet' }).click();
    expect(await staff.evaluate(() => window.printed)).toBe(1);
    // On paper: the sheet without the site's header or the button.
    await staff.emulateMedia({ media: 'print' });
    await expect(staff.getByRole('button', { name: 'Print this sheet' })).toBeHidden();
    await expect(staff.getByRole('button', { name: 'Sign out' })).toBeHidden();
    await expect(staff.getByTestId('sheet-question').first()).toBeVisible();
  } finally {
    for (const c of contexts) await c.close();
    await server.kill();
  }
});
