import { test, expect, Page } from './guard';
import { ADMIN_PASSWORD, citizen, screenshot, screenshotOf, totpCode, waitForMailAbout } from './helpers';

// Created by serve-test.sh for these journeys only.
const RESPONDER = 'responses-admin@shura.test';
const AGENCY = 'digital-government-authority';
const GUIDELINE = '/consultations/e-participation-guideline';

async function signIn(page: Page, code?: string) {
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(RESPONDER);
  await page.locator('#field-password').fill(ADMIN_PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  if (code) {
    await page.locator('#field-code').fill(code);
    await page.locator('form.form button[type=submit]').click();
  }
  await expect(page).toHaveURL(/\/en\/account$/);
}

/** The ids of the queue's items, in order. */
async function queued(page: Page): Promise<string[]> {
  const ids = await page.locator('.queue-item').evaluateAll((els) => els.map((e) => e.id.replace('queue-', '')));
  return ids;
}

test.describe.configure({ mode: 'serial' });

let secret = '';
// The citizen of the first journey, whose contribution the agency partly accepted.
let authorId = '';
let authorEmail = '';
// When the last code used was for: a code is good once, so the next sign-in needs a later one.
let lastCodeAt = 0;

/** A code for a later time step than any used before, waiting for one if need be. */
async function nextCode(page: Page): Promise<string> {
  const at = Math.max(Date.now() + 30_000, lastCodeAt + 30_000);
  const early = at - (Date.now() + 30_000);
  if (early > 0) await page.waitForTimeout(early + 500);
  lastCodeAt = at;
  return totpCode(secret, at);
}

test('agency staff answer contributions: refused without reasons, one at a time and as a group, then cite the changed clause', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  // A citizen comments; the agency answers them too, and they are mailed.
  const author = await citizen(browser, 'Salem Al-Otaibi', true);
  await author.goto(`/en${GUIDELINE}#contribute`);
  await author.locator('#field-body').fill('Please publish the response times of every agency each quarter.');
  await author.locator('.contribute-form button[type=submit]').click();
  const authorAnchor = new URL(author.url()).hash;
  authorId = authorAnchor.replace('#contribution-', '');
  authorEmail = author.citizenEmail;

  // Two-factor, then the agency's admin role with a mandate; sign in again.
  await signIn(page);
  await page.goto('/en/account/two-factor');
  secret = (await page.locator('code.secret').textContent())!.trim();
  await page.locator('#field-code').fill(totpCode(secret));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account\/recovery-codes$/);
  await page.goto('/en/admin');
  const appoint = page.locator('form:has(input[name=intent][value=appoint])');
  await appoint.locator('#field-email').fill(RESPONDER);
  await appoint.locator('#field-role').selectOption('agency_admin');
  await appoint.locator('#field-agency').selectOption(AGENCY);
  await appoint.locator('#field-decision_ref').fill('DGA-2026-204');
  await appoint.locator('#field-decided_on').fill('2026-02-01');
  await appoint.locator('#field-scope').fill('Answering contributions to public consultations');
  await appoint.locator('button[type=submit]').click();
  lastCodeAt = Date.now();
  await signIn(page, await nextCode(page));

  // The consultation page shows the figures and, to its staff, the way to the queue.
  await page.goto(`/en${GUIDELINE}`);
  await expect(page.locator('.accountability .timing')).toBeVisible();
  await page.locator('.accountability a[href$="/responses"]').click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/responses$`));
  const ids = await queued(page);
  expect(ids.length).toBeGreaterThan(5);
  const [a, b, c, d] = ids;

  // Not adopted without reasons: refused, said in words, the box still ticked.
  await page.locator(`#member-${a}`).check();
  await page.locator('#respond-outcome-not_adopted').check();
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page.locator('.form-summary')).toBeVisible();
  await expect(page.locator('.responses__answer .field__error')).toContainText('Give the reasons');
  await expect(page.locator(`#member-${a}`)).toBeChecked();
  await page.locator('#respond-reasons-en').fill('The Civil Service Law already fixes this period.');
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/responses$`));
  await expect(page.locator(`#queue-${a}`)).toHaveCount(0);

  // A group of two, noted (no reasons needed).
  await page.locator(`#member-${b}`).check();
  await page.locator(`#member-${c}`).check();
  await page.locator('#respond-outcome-noted').check();
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page.locator(`#queue-${b}`)).toHaveCount(0);

  // Accepted, in Arabic; and the citizen's, accepted too.
  await page.locator(`#member-${d}`).check();
  await page.locator('#respond-outcome-accepted').check();
  await page.locator('#respond-reasons-ar').fill('عُدّلت مدة الرد كما اقتُرح.');
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page.locator(`#queue-${d}`)).toHaveCount(0);
  await page.goto(`/en${GUIDELINE}/responses?order=newest`);
  await page.locator(`#member-${authorId}`).check();
  await page.locator('#respond-outcome-partly_accepted').check();
  await page.locator('#respond-reasons-en').fill('Each agency will publish its figures every six months.');
  await page.locator('.responses__answer button[type=submit]').click();
  const answered = await waitForMailAbout(author.citizenEmail, 'The agency answered your contribution');
  expect(answered.text).toContain('partly accepted');
  expect(answered.text).toContain('every six months');

  // The answered ones, with the group marked as such.
  await page.goto(`/en${GUIDELINE}/responses?show=all`);
  await expect(page.locator(`#queue-${b} .response__group`)).toContainText('2 contributions');
  await expect(page.locator(`#queue-${a} .response`)).toContainText('Reem Al-Harbi');
  await expect(page.locator(`#queue-${a} .response`)).toContainText('Agency admin');
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/responses?show=all`);
    await screenshot(page, testInfo, `responses-queue-${lang}`, false);
  }
  await page.setViewportSize({ width: 360, height: 740 });
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/responses`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the queue fits a phone (${lang})`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `responses-queue-${lang}-360`, false);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // The accepted one changed a clause of version 2: said from the response's page.
  await page.goto(`/en${GUIDELINE}/responses?show=accepted`);
  await page.locator(`#queue-${d} a[href*="/responses/"]`).click();
  await expect(page.locator('h1')).toHaveText('A response');
  const change = page.locator('input[name=change][value^="2:"]').first();
  const key = (await change.getAttribute('value'))!.slice(2);
  await change.check();
  await page.locator('form:has(input[name=intent][value=cite]) button[type=submit]').click();
  await expect(page.locator(`input[name=change][value="2:${key}"]`)).toBeChecked();
  await screenshot(page, testInfo, 'response-page-en');

  // A revision keeps the earlier text, public.
  await page.locator('#revise-outcome-partly_accepted').check();
  await page.locator('#revise-reasons-en').fill('Adopted in part: the period is shortened, not abolished.');
  await page.locator('form:has(input[name=intent][value=revise]) button[type=submit]').click();
  await expect(page.locator('.response__revised')).toBeVisible();
  await expect(page.locator('.response__earlier')).toContainText('Accepted');

  // Everyone sees it: the contribution, the diff beside the clause, the impact page.
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/diff?from=1&to=2`);
    const row = page.locator(`#diff-${key}`);
    await expect(row.locator('.diff-row__because')).toBeVisible();
    await expect(row.locator(`.diff-row__because a[href$="#contribution-${d}"]`)).toHaveCount(1);
    await page.goto(`/${lang}${GUIDELINE}/impact`);
    await expect(page.locator(`#impact-${d} .response`)).toBeVisible();
    await expect(page.locator(`#impact-clause-${key}`)).toContainText(`#`);
    await screenshot(page, testInfo, `impact-${lang}`);
    await screenshot(page, testInfo, `impact-${lang}-top`, false);
    await page.locator('#impact-clauses').scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, `impact-${lang}-clauses`, false);
  }
  await page.setViewportSize({ width: 360, height: 740 });
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/impact`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the impact page fits a phone (${lang})`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `impact-${lang}-360`, false);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/en${GUIDELINE}/impact`);
  await page.locator(`#impact-${d} .response__change a`).first().click();
  await expect(page).toHaveURL(new RegExp(`/diff\\?from=1&to=2#diff-${key}$`));
});

test('without JavaScript the queue answers a contribution and a pair chosen from search results, and nobody else may', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, await nextCode(page));
  await page.goto(`/ar${GUIDELINE}/responses`);
  const [first] = await queued(page);
  await page.locator(`#member-${first}`).check();
  await page.locator('#respond-outcome-out_of_scope').check();
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page.locator('.responses__answer .field__error')).toContainText('اذكر الأسباب');
  await expect(page.locator(`#member-${first}`)).toBeChecked();
  await page.locator('#respond-reasons-ar').fill('يتعلق الاقتراح بجهة أخرى.');
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/ar${GUIDELINE}/responses$`));
  await expect(page.locator(`#queue-${first}`)).toHaveCount(0);

  // Two citizens' words on one point, found by searching within the consultation:
  // the staff tick both in the results and answer them once in the queue.
  const reader = await citizen(browser, 'Curious Reader', false);
  const word = 'zq' + Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  for (const body of [`نقترح نشر مواعيد الرد على كل مشاركة ${word}`, `Please publish when each contribution will be answered ${word}`]) {
    await reader.goto(`/ar${GUIDELINE}#contribute`);
    await reader.locator('#field-body').fill(body);
    await reader.locator('.contribute-form button[type=submit]').click();
    await expect(reader).toHaveURL(/#contribution-\d+$/);
  }
  const within = `/ar/search?consultation=e-participation-guideline&q=${word}`;
  await expect(async () => {
    await page.goto(within);
    await expect(page.locator('.search__pick input[name=pick]')).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const picked = await page.locator('.search__pick input[name=pick]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  for (const lang of ['ar', 'en'] as const) {
    await page.goto(within.replace('/ar/', `/${lang}/`));
    for (const id of picked) await page.locator(`#pick-${id}`).check();
    await screenshot(page, testInfo, `search-pick-${lang}`, false);
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the search page with boxes fits a phone (${lang})`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `search-pick-${lang}-360`, false);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await page.goto(within);
  for (const id of picked) await page.locator(`#pick-${id}`).check();
  await page.locator('.search__pick button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/ar${GUIDELINE}/responses\\?pick=`));
  await expect(page.locator('.responses__picked')).toBeVisible();
  for (const id of picked) await expect(page.locator(`#member-${id}`)).toBeChecked();
  await page.locator('#respond-outcome-noted').check();
  await page.locator('.responses__answer button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/ar${GUIDELINE}/responses\\?pick=`));
  for (const id of picked) await expect(page.locator(`#queue-${id} .response__group`)).toBeVisible();
  await screenshot(page, testInfo, 'responses-picked-ar', false);
  await context.close();

  // A citizen is refused the queue, in their language, and ticks nothing in search.
  await reader.goto(within);
  await expect(reader.locator('.search-hit')).toHaveCount(2);
  await expect(reader.locator('input[name=pick]')).toHaveCount(0);
  const res = await reader.goto(`/ar${GUIDELINE}/responses`);
  expect(res?.status()).toBe(403);
  await expect(reader.locator('.responses__answer')).toHaveCount(0);
});

test('without JavaScript the editor publishes a version citing the accepted answer; the author, the diff, the profile and the report show it', async ({ browser }, testInfo) => {
  test.setTimeout(180_000);
  expect(authorId, 'the first journey ran').not.toBe('');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, await nextCode(page));

  // A numbered clause of the English draft, by its marker, gets a sentence more.
  await page.goto(`/en${GUIDELINE}/edit`);
  const field = page.locator('#field-draft_en');
  const lines = (await field.inputValue()).split('\n');
  const at = lines.findIndex((l) => /^\d+\. .* \{#[\w-]+\}$/.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  const key = lines[at].match(/\{#([\w-]+)\}$/)![1];
  lines[at] = lines[at].replace(/ \{#/, ' Each agency publishes its answer times every six months. {#');
  await field.fill(lines.join('\n'));
  await page.locator('#field-change_note_en').fill('Agencies publish their answer times twice a year.');
  await page.locator('form:has(input[name=intent][value=save]) button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/edit#cite$`));
  const clause = page.locator('.citing__clause', { has: page.locator(`input[value$=":${key}"]`) });
  await expect(clause).toHaveCount(1);
  const box = clause.locator('li', { hasText: `#${authorId}` }).locator('input[name=cite]');
  const others = clause.locator('details.citing__others');
  if (await others.count()) await others.locator('summary').click();
  await box.check();
  await page.locator('form:has(input[name=intent][value=cite]) button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/edit#cite$`));
  await expect(clause.locator('li', { hasText: `#${authorId}` }).locator('input[name=cite]')).toBeChecked();
  await screenshotOf(page.locator('#cite'), testInfo, 'editor-citations-en');
  const version = Number((await page.locator('#cite .card__meta').textContent())!.match(/\d+/)![0]);

  // The author is told what their contribution changed, with the link to it.
  const told = await waitForMailAbout(authorEmail, 'changed the draft');
  expect(told.text).toContain(`in version ${version}`);
  const link = told.text.match(/https?:\/\/\S+#diff-[\w-]+/)![0];
  await page.goto(link);
  await expect(page.locator(`#diff-${key} .diff-row__because a[href$="#contribution-${authorId}"]`)).toHaveCount(1);

  // The author's name leads to their profile, which says what changed policy.
  await page.goto(`/en${GUIDELINE}#contribution-${authorId}`);
  const profile = await page.locator(`#contribution-${authorId} header a[href*="/people/"]`).first().getAttribute('href');
  expect(profile).toMatch(/^\/en\/people\/\d+$/);
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(profile!.replace('/en/', `/${lang}/`));
    const item = page.locator(`.profile__item#contribution-${authorId}`);
    await expect(item).toHaveAttribute('data-changed', 'true');
    await expect(item.locator('.response__change a').last()).toHaveAttribute('href', new RegExp(`#diff-${key}$`));
    await screenshot(page, testInfo, `profile-${lang}`, false);
  }
  await page.setViewportSize({ width: 360, height: 740 });
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(profile!.replace('/en/', `/${lang}/`));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the profile fits a phone (${lang})`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `profile-${lang}-360`, false);
    await page.goto(`/${lang}/consultations/street-vendors-regulation/report`);
    await expect(page.locator('h1')).toBeVisible();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wide, `the report fits a phone (${lang})`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `report-${lang}-360`, false);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}/consultations/street-vendors-regulation/report`);
    await expect(page.locator('#report-participation')).toBeVisible();
    await screenshot(page, testInfo, `report-${lang}`, false);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header')).toBeHidden();
    await screenshot(page, testInfo, `report-${lang}-print`, false);
    await page.emulateMedia({ media: 'screen' });
  }
  // The impact page counts the change too.
  await page.goto(`/en${GUIDELINE}/impact`);
  await expect(page.locator(`#impact-clause-${key} a[href$="#contribution-${authorId}"]`)).toHaveCount(1);
  await context.close();
});
