// The whole authoring journey, each person in a browser of their own: an author writes one
// question of each type (one with an image) and submits the bank; QA approves all but one and
// rejects that one with a reason, then approves the bank; a coordinator builds an exam of a
// fixed section and a random section, and publishes it; an enrollment manager invites a
// candidate, who takes it and sees the result once the window has closed for everyone.
const { test } = require('@playwright/test');
const { expect, hydrated, signIn, invitationLinkFor, linkWhenSent } = require('./helpers');

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const ZONE = 'Europe/Berlin';

/** `ms` as the demo university's clock reads it, the way a datetime-local input holds it. */
function local(ms) {
  return new Date(ms).toLocaleString('sv-SE', { timeZone: ZONE }).replace(' ', 'T').slice(0, 16);
}

async function newPage(browser, email) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  return page;
}

async function writeQuestion(page, bankUrl, { type, title, text, fill }) {
  await page.goto(`${bankUrl}/questions/new`);
  await hydrated(page);
  if (type) await page.getByLabel('Type').selectOption({ label: type });
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Question text').fill(text);
  if (fill) await fill(page.locator('form.editor'));
  await page.getByRole('button', { name: 'Save question' }).click();
  await page.waitForURL(/\/questions\/(?!new)[^/]+$/);
}

test('author, QA, coordinator, enrollment manager and candidate take an exam from nothing to its result', async ({ page, browser }) => {
  test.setTimeout(6 * 60_000);
  const stamp = Date.now();
  const bankName = `Journey bank ${stamp}`;
  const examTitle = `Journey exam ${stamp}`;

  // The author: a bank, one question of each type, the first with an image.
  await signIn(page, 'author@demo.vigil.test');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Arun Author');
  await page.goto('/banks');
  await hydrated(page);
  await page.getByText('New question bank').click();
  await page.getByLabel('Name').fill(bankName);
  await page.getByRole('button', { name: 'Create bank' }).click();
  await expect(page.getByRole('heading', { name: bankName, level: 1 })).toBeVisible();
  const bankUrl = page.url();

  await page.goto(`${bankUrl}/questions/new`);
  await hydrated(page);
  await page.getByLabel('Title').fill('J single');
  await page.getByLabel('Question text').fill('Which port does **HTTPS** use?');
  await page.getByLabel('Add an image…').setInputFiles({ name: 'ports.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByTestId('image-status')).toHaveText('Image “ports.png” added to the text.');
  await expect(page.getByLabel('Question text')).toHaveValue(/!\[ports\.png\]\(\/files\/[0-9a-f-]+\)/);
  const preview = page.getByTestId('preview');
  await expect(preview.locator('strong', { hasText: 'HTTPS' })).toBeVisible();
  await expect(preview.locator('img[alt="ports.png"]')).toBeVisible();
  const form = page.locator('form.editor');
  await form.getByLabel('Option 1 text').fill('443');
  await form.getByLabel('Option 2 text').fill('80');
  await form.getByLabel('Option 1 is right').check();
  await page.getByRole('button', { name: 'Save question' }).click();
  await page.waitForURL(/\/questions\/(?!new)[^/]+$/);

  await writeQuestion(page, bankUrl, {
    type: 'Multiple answers', title: 'J multiple', text: 'Which protocols are encrypted?',
    fill: async (f) => {
      await f.getByLabel('Option 1 text').fill('SSH');
      await f.getByLabel('Option 2 text').fill('HTTPS');
      await f.getByLabel('Option 1 is right').check();
      await f.getByLabel('Option 2 is right').check();
    },
  });
  await writeQuestion(page, bankUrl, {
    type: 'True or false', title: 'J true or false', text: 'TCP keeps bytes in order.',
    fill: async (f) => f.getByLabel('True', { exact: true }).check(),
  });
  await writeQuestion(page, bankUrl, {
    type: 'Short answer', title: 'J short', text: 'Which layer does IP belong to?',
    fill: async (f) => f.getByLabel('Accepted answer 1', { exact: true }).fill('network'),
  });
  await writeQuestion(page, bankUrl, {
    type: 'Number', title: 'J number', text: 'Standard gravity in m/s²?',
    fill: async (f) => {
      await f.getByLabel('Right number').fill('9.81');
      await f.getByLabel('Tolerance (±)').fill('0.01');
    },
  });
  await writeQuestion(page, bankUrl, { type: 'Essay', title: 'J essay', text: 'Explain the three-way handshake.' });

  await page.goto(bankUrl);
  await hydrated(page);
  await expect(page.getByTestId('question-row')).toHaveCount(6);
  await page.getByRole('button', { name: 'Submit the bank and its drafts for review' }).click();
  await expect(page.locator('tr[data-title="J essay"]').getByTestId('status')).toHaveText('⧗ In review');

  // QA approves five, rejects the essay with a reason, and approves the bank.
  const qa = await newPage(browser, 'qa@demo.vigil.test');
  await qa.goto(bankUrl);
  await hydrated(qa);
  for (const title of ['J single', 'J multiple', 'J true or false', 'J short', 'J number']) {
    const row = qa.locator(`tr[data-title="${title}"]`);
    await row.getByRole('button', { name: `Approve ${title}` }).click();
    await expect(row.getByTestId('status')).toHaveText('✓ Approved');
  }
  const essay = qa.locator('tr[data-title="J essay"]');
  await essay.getByRole('button', { name: 'Reject J essay…' }).click();
  await essay.getByLabel('Why is it rejected? The author reads this.').fill('Say what a good answer must name.');
  await essay.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(essay.getByTestId('status')).toHaveText('✗ Rejected');
  await qa.getByRole('button', { name: 'Approve the bank' }).click();
  await expect(qa.locator('.bank-header').getByTestId('status')).toHaveText('✓ Approved');

  // The coordinator builds the exam: two fixed questions, two drawn per attempt.
  const coordinator = await newPage(browser, 'coordinator@demo.vigil.test');
  await coordinator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exams' }).click();
  await hydrated(coordinator);
  await coordinator.getByLabel('Title').fill(examTitle);
  await coordinator.getByLabel('Start from the bank').selectOption({ label: `${bankName} (Demo University)` });
  await coordinator.getByRole('button', { name: 'Create exam' }).click();
  await coordinator.waitForURL(/\/exam-builder\/[^/]+$/);
  await hydrated(coordinator);
  const preflight = coordinator.getByTestId('preflight');
  await expect(preflight).toContainText('The exam has no questions');
  await expect(coordinator.getByRole('button', { name: 'Publish' })).toBeDisabled();

  const fixed = coordinator.getByTestId('section').first();
  for (const option of ['J single (v1, single choice, 1 pt)', 'J multiple (v1, multiple answers, 1 pt)']) {
    await fixed.getByLabel('Add an approved question').selectOption({ label: option });
    await fixed.getByRole('button', { name: 'Add question' }).click();
    await expect(fixed.getByTestId('section-item').filter({ hasText: option.split(' (')[0] })).toBeVisible();
  }
  // The rejected essay is never offered.
  await expect(fixed.getByLabel('Add an approved question').locator('option', { hasText: 'J essay' })).toHaveCount(0);

  await coordinator.getByLabel('Title', { exact: true }).last().fill('Random');
  await coordinator.getByLabel('Bank', { exact: true }).selectOption({ label: bankName });
  await coordinator.getByLabel('Drawn at random for each attempt').check();
  await coordinator.getByLabel('How many to draw').fill('2');
  await coordinator.getByRole('button', { name: 'Add section' }).click();
  const random = coordinator.getByTestId('section').nth(1);
  await expect(random).toContainText('Draws 2 question(s) per attempt');
  await expect(random).toContainText('3 approved question(s) to draw from');

  // A window open now, closing in two to three minutes, in the university's zone.
  const opens = Math.floor(Date.now() / 60_000) * 60_000;
  await coordinator.getByLabel('Opens').fill(local(opens));
  await coordinator.getByLabel('Closes').fill(local(opens + 3 * 60_000));
  await coordinator.getByLabel('Duration (minutes)').fill('2');
  await coordinator.getByLabel('Proctoring on (telemetry and flags)').uncheck();
  await coordinator.getByLabel('Candidates see').selectOption('ANSWERS');
  await coordinator.getByLabel('When', { exact: true }).selectOption('AFTER_CLOSE');
  // Publishing while the saved settings are still reloading: the reload redraws the page
  // before the publish answers, and the page must still show what the publish did. The two
  // answers are held back here so that they always arrive in that order.
  const held = (ms) => async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  };
  await coordinator.route('**/api/exam_builder*', held(500));
  await coordinator.route('**/api/exam_action*', held(1500));
  await coordinator.getByRole('button', { name: 'Save settings' }).click();
  await expect(preflight).toContainText('Pre-flight check passed');
  await coordinator.getByRole('button', { name: 'Publish' }).click();
  await coordinator.getByTestId('confirm-action').click();
  await expect(coordinator.getByTestId('phase')).toContainText('Open');
  await coordinator.unrouteAll();

  // The enrollment manager invites a new candidate.
  const email = `journey-${stamp}@example.org`;
  const manager = await newPage(browser, 'enrollment@demo.vigil.test');
  await manager.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrollments' }).click();
  await manager.getByRole('link', { name: examTitle }).click();
  await hydrated(manager);
  await manager.getByLabel('Email addresses').fill(email);
  await manager.getByRole('button', { name: 'Send invitations' }).click();
  await expect(manager.getByTestId('invite-result')).toContainText('1 invitation(s) sent.');

  // The candidate accepts, takes the exam and submits.
  const candidate = await (await browser.newContext()).newPage();
  await candidate.goto(await linkWhenSent(email));
  await hydrated(candidate);
  await candidate.getByLabel('Your name').fill('Jo Journey');
  await candidate.getByLabel('Choose a password').fill('a long enough password');
  await candidate.getByRole('button', { name: 'Accept invitation' }).click();
  await candidate.waitForURL(/\/exams\//);
  await hydrated(candidate);
  await expect(candidate.getByRole('heading', { name: examTitle })).toBeVisible();
  await candidate.getByRole('button', { name: 'Start exam' }).click();
  await candidate.waitForURL(/\/sessions\//);
  await hydrated(candidate);
  await expect(candidate.getByTestId('position')).toHaveText('Question 1 of 4');
  await expect(candidate.locator('.q-stem strong', { hasText: 'HTTPS' })).toBeVisible();
  await expect(candidate.locator('.q-stem img[alt="ports.png"]')).toBeVisible();
  await candidate.getByLabel('443', { exact: true }).check();
  await expect(candidate.getByTestId('save-state')).toContainText('Saved at');
  await candidate.getByRole('button', { name: 'Submit exam…' }).click();
  await candidate.getByRole('dialog', { name: 'Submit your exam?' }).getByRole('button', { name: 'Submit now' }).click();
  await candidate.waitForURL(/\/result$/);

  // While others may still sit it: no score, and when it will show.
  await expect(candidate.getByTestId('outcome')).toContainText('Results show here after the exam closes for everyone.');
  await expect(candidate.getByTestId('score')).toHaveCount(0);
  await expect(candidate.getByTestId('released-at')).toBeVisible();

  // Once the window has closed: the score and the answers.
  await expect(async () => {
    await candidate.reload();
    await expect(candidate.getByTestId('score')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 4 * 60_000, intervals: [5_000] });
  await expect(candidate.getByTestId('score')).toContainText('Score: 1 of 4 points');
  await expect(candidate.getByTestId('result-question')).toHaveCount(4);
  await expect(candidate.getByTestId('result-question').first()).toContainText('443');
});
