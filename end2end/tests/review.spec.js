// The review workflow as reviewers and QA use it, in Chromium: a reviewer claims a flagged,
// submitted attempt, dismisses one flag, confirms another and finds the session suspicious;
// a QA user (another person) rejects it; the candidate's page says where it stands at each
// step, never with a reviewer's note; the exam's CSV lists the outcome. On a server of its own,
// so the demo candidate's one attempt is this test's to submit.
const { test } = require('@playwright/test');
const { expect, hydrated, openExamPage, ownServer, setVisibility, PASSWORD } = require('./helpers');

async function signInAt(page, base, email) {
  await page.goto(`${base}/signin`);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

test('a reviewer decides, QA makes the second review, the candidate is told in plain words', async ({ browser }) => {
  const server = await ownServer('review');
  const contexts = [];
  const newPage = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  try {
    // The candidate switches away and pastes a long text, then submits.
    const cand = await newPage();
    await cand.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    await signInAt(cand, server.base, 'candidate@demo.vigil.test');
    await openExamPage(cand, /Open exam: Networking Fundamentals/);
    const examId = cand.url().split('/exams/')[1];
    // The exam's facts have loaded (the button is there) before the consent is ticked.
    await expect(cand.getByRole('button', { name: 'Start exam' })).toBeVisible();
    await cand.getByLabel('I have read what is monitored during this exam and I agree to it.').check();
    await cand.getByRole('button', { name: 'Start exam' }).click();
    await cand.waitForURL(/\/sessions\//);
    await hydrated(cand);
    const sessionId = cand.url().split('/sessions/')[1];
    await expect(cand.getByTestId('link')).toHaveText('connected');
    await setVisibility(cand, 'hidden');
    await cand.waitForTimeout(2_500);
    await setVisibility(cand, 'visible');
    await cand.getByRole('link', { name: /^Question 3:/ }).click();
    await cand.getByLabel('Your answer').click();
    await cand.evaluate(() => navigator.clipboard.writeText('port 443 is the default for HTTPS, as every textbook explains'));
    await cand.keyboard.press('Control+V');
    await expect(cand.getByTestId('queued')).toHaveText('0', { timeout: 20_000 });
    await cand.getByRole('button', { name: 'Submit exam…' }).click();
    await cand.getByRole('dialog', { name: 'Submit your exam?' }).getByRole('button', { name: 'Submit now' }).click();
    await cand.waitForURL(/\/result$/);
    await expect(cand.getByTestId('review-status')).toContainText('awaiting review by a person');

    // The reviewer finds it in the queue, riskiest first, and opens its evidence.
    const reviewer = await newPage();
    await signInAt(reviewer, server.base, 'reviewer@demo.vigil.test');
    await reviewer.goto(`${server.base}/review`);
    await hydrated(reviewer);
    const card = reviewer.getByTestId('queue-session').filter({ hasText: 'Cam Candidate' });
    await expect(card.getByTestId('review-state')).toHaveText('Not reviewed');
    await expect(reviewer.getByTestId('state-count').filter({ hasText: 'Not reviewed' })).toHaveText('Not reviewed (1)');
    await card.getByRole('link', { name: 'Cam Candidate' }).click();
    await reviewer.waitForURL(/\/review\/sessions\//);
    await hydrated(reviewer);
    // The attempt as a strip, with the same in a table for screen readers.
    await expect(reviewer.getByRole('img', { name: 'The attempt from start to submission' })).toBeVisible();
    await reviewer.getByText('The strip as a table').click();
    const table = reviewer.getByTestId('strip-table');
    await expect(table).toContainText('Page hidden');
    // Which question was on screen, and the answer the server confirmed.
    await expect(table).toContainText('Question on screen: Question 1');
    await expect(table).toContainText('Question on screen: Question 3');
    await expect(table).toContainText('Answer to question 3 saved');

    await reviewer.getByTestId('claim-session').click();
    await expect(reviewer.getByTestId('review-state')).toHaveText('In review');
    await expect(reviewer.getByTestId('claim')).toContainText('claimed by you');

    const tab = reviewer.getByTestId('review-flag').filter({ hasText: 'TAB_SWITCH' });
    await tab.getByRole('button', { name: 'Highlight its evidence on the strip' }).click();
    await expect(reviewer.locator('svg rect.span.hl')).toHaveCount(1);
    // By keyboard: j moves to the first flag (the tab switch came first), d dismisses it.
    await reviewer.locator('body').click({ position: { x: 1, y: 1 } });
    await reviewer.keyboard.press('j');
    await expect(tab).toBeFocused();
    await reviewer.keyboard.press('d');
    await expect(tab.getByTestId('flag-status')).toHaveText('Dismissed');

    const paste = reviewer.getByTestId('review-flag').filter({ hasText: 'COPY_PASTE' }).filter({ hasText: 'Pasted' });
    // Confirming without a note is refused with the reason beside the flag.
    await paste.getByTestId('confirm-flag').click();
    await expect(paste.getByRole('alert')).toContainText('Write a note saying why.');
    await expect(paste.getByTestId('flag-status')).toHaveText('Open');
    await paste.getByTestId('flag-note').fill('61 characters pasted into question 3');
    await paste.getByTestId('confirm-flag').click();
    await expect(paste.getByTestId('flag-status')).toHaveText('Confirmed');
    await expect(paste.getByTestId('flag-decision')).toContainText('Confirmed by Rita Reviewer');

    await reviewer.getByLabel('Suspicious: awaiting second review').check();
    await reviewer.getByTestId('review-note').fill('a long paste into the short answer');
    await reviewer.getByTestId('record-decision').click();
    await expect(reviewer.getByTestId('review-state')).toHaveText('Suspicious: awaiting second review');
    await expect(reviewer.getByTestId('decision-panel')).toContainText('quality assurance (another person) makes the second');
    await expect(reviewer.getByTestId('history-row')).toHaveCount(4);

    // The candidate's page says it is under further review, without the reviewer's words.
    await cand.reload();
    await expect(cand.getByTestId('review-status')).toContainText('under further review');
    await expect(cand.locator('body')).not.toContainText('long paste');

    // QA, a different person, rejects it with a note.
    const qa = await newPage();
    await signInAt(qa, server.base, 'qa@demo.vigil.test');
    await qa.goto(`${server.base}/review/sessions/${sessionId}`);
    await hydrated(qa);
    await qa.getByTestId('reject-session').click();
    await expect(qa.getByRole('alert')).toContainText('Write a note saying why.');
    await qa.getByTestId('review-note').fill('the pasted text answers question 3');
    await qa.getByTestId('reject-session').click();
    await expect(qa.getByTestId('review-state')).toHaveText('Rejected: misconduct confirmed');
    await expect(qa.getByTestId('history-row').last()).toContainText('Quinn Quality');

    await cand.reload();
    await expect(cand.getByTestId('review-status')).toContainText('found to break the exam');

    // The exam's CSV, offered on the queue once an exam is chosen, lists the outcome and the
    // one confirmed paste.
    await qa.goto(`${server.base}/review`);
    await hydrated(qa);
    await qa.getByTestId('filter-exam').selectOption(examId);
    const link = qa.getByTestId('csv-link');
    await expect(link).toHaveAttribute('href', `/exports/exams/${examId}/sessions.csv`);
    const csv = await qa.request.get(`${server.base}${await link.getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    const [header, row] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    const columns = header.split(',');
    const values = row.split(',');
    expect(values[columns.indexOf('"review_outcome"')]).toBe('"REJECTED"');
    expect(values[columns.indexOf('"confirmed_COPY_PASTE"')]).toBe('"1"');
    expect(values[columns.indexOf('"email"')]).toBe('"candidate@demo.vigil.test"');
  } finally {
    for (const c of contexts) await c.close();
    await server.kill();
  }
});

test('the queue says when it is clear', async ({ browser }) => {
  const server = await ownServer('review-empty');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInAt(page, server.base, 'reviewer@demo.vigil.test');
    await page.goto(`${server.base}/review`);
    await hydrated(page);
    await expect(page.getByTestId('queue-empty')).toContainText('The queue is clear');
    await expect(page.getByTestId('live')).toContainText('Live');
  } finally {
    await context.close();
    await server.kill();
  }
});
