import { test, expect, Page } from './guard';
import { ADMIN_PASSWORD, citizen, screenshot, screenshotOf, totpCode, waitForHydration, waitForMailAbout } from './helpers';

// Created by serve-test.sh for these journeys only.
const DRAFTS_ADMIN = 'drafts-admin@shura.test';
const AGENCY = 'digital-government-authority';

async function signIn(page: Page, email: string, code?: string) {
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(ADMIN_PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  if (code) {
    await page.locator('#field-code').fill(code);
    await page.locator('form.form button[type=submit]').click();
  }
  await expect(page).toHaveURL(/\/en\/account$/);
}

function draft(lang: 'ar' | 'en'): string {
  const clauses = Array.from({ length: 10 }, (_, i) =>
    lang === 'ar'
      ? `${i + 1}. تلتزم الجهة بالحكم رقم ${i + 1} من أحكام نشر البيانات المفتوحة وتحديثها.`
      : `${i + 1}. The agency follows rule number ${i + 1} on publishing and updating open data.`,
  );
  const heading = lang === 'ar' ? '## أحكام النشر' : '## Publishing rules';
  return `${heading}\n\n${clauses.join('\n')}\n`;
}

function localInput(daysFromNow: number): string {
  // datetime-local in Riyadh time (UTC+3, no daylight saving).
  const d = new Date(Date.now() + daysFromNow * 86_400_000 + 3 * 3_600_000);
  return d.toISOString().slice(0, 16);
}

test.describe('reading a consultation', () => {
  test('a visitor reads the draft in Arabic and English and jumps to a clause', async ({ page }, testInfo) => {
    const res = await page.goto('/ar/consultations/e-participation-guideline');
    expect(res?.status()).toBe(200);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('للمشاركة الإلكترونية');
    await expect(page.locator('.draft .clause--clause')).toHaveCount(17);
    await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', /للمشاركة الإلكترونية/);
    await expect(page.locator('.date__hijri').first()).toContainText('هـ');
    // The time left counts down once the page is interactive.
    await waitForHydration(page);
    const left = (await page.locator('.countdown').textContent())!;
    await expect(page.locator('.countdown')).not.toHaveText(left, { timeout: 5_000 });
    await screenshot(page, testInfo, 'consultation-ar');
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'the consultation page fits a phone').toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, 'consultation-ar-360');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.locator('.toc a[href="#clause-response-time"]').click();
    await expect(page).toHaveURL(/#clause-response-time$/);
    await expect(page.locator('#clause-response-time')).toBeInViewport();

    await page.goto('/en/consultations/e-participation-guideline#clause-personal-data');
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page.locator('#clause-personal-data')).toBeInViewport();
    await expect(page.locator('#clause-personal-data .clause__text')).toHaveAttribute('lang', 'en');
    await screenshot(page, testInfo, 'consultation-en');

    // Version 1 stays readable at its permalink.
    await page.goto('/en/consultations/e-participation-guideline/versions/1');
    await expect(page.locator('.notice')).toContainText('earlier version');
    await expect(page.locator('.draft .clause--clause')).toHaveCount(16);
  });

  test('the demo diff shows exactly the clauses version 2 changed', async ({ page }, testInfo) => {
    for (const lang of ['ar', 'en'] as const) {
      await page.goto(`/${lang}/consultations/e-participation-guideline/diff?from=1&to=2`);
      await expect(page.locator('.diff-row[data-change=changed]')).toHaveCount(3);
      await expect(page.locator('.diff-row[data-change=added]')).toHaveCount(1);
      await expect(page.locator('.diff-row[data-change=removed]')).toHaveCount(0);
      await expect(page.locator('.diff-row[data-change=moved]')).toHaveCount(0);
      await expect(page.locator('.diff-row[data-change=added]')).toHaveAttribute('data-key', 'notify-contributors');
      await expect(page.locator('.diff-row[data-key=response-time] ins')).not.toHaveCount(0);
      // Rendered text, not Markdown; unchanged clauses folded into one line per run.
      const text = (await page.locator('.diff__rows').textContent())!;
      expect(text).not.toMatch(/\*\*|^\s*- |\{#/m);
      await expect(page.locator('.diff__unchanged > summary').first()).toContainText(lang === 'ar' ? 'دون تغيير' : 'unchanged clause');
      await expect(page.locator('.diff__unchanged .diff-row').first()).toBeHidden();
      // The renumbering arrow points the way the heading's does.
      const arrow = lang === 'ar' ? '←' : '→';
      await expect(page.locator('.diff > h2')).toContainText(arrow);
      for (const n of await page.locator('.diff-row__meta .clause__number').allTextContents()) {
        if (/\D\s*\D/.test(n)) expect(n).toContain(arrow);
      }
      await screenshot(page, testInfo, `diff-${lang}`);
      await page.setViewportSize({ width: 360, height: 740 });
      await page.reload();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the diff fits a phone').toBeLessThanOrEqual(0);
      await screenshot(page, testInfo, `diff-${lang}-360`);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  test('the list filters by status, agency and topic without JavaScript', async ({ browser }, testInfo) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/en/consultations');
    await page.locator('#filter-status').selectOption('concluded');
    await page.locator('.filters button[type=submit]').click();
    await expect(page).toHaveURL(/status=concluded/);
    await expect(page.locator('#results .card')).toHaveCount(1);
    await expect(page.locator('#results .card')).toHaveAttribute('data-slug', 'street-vendors-regulation');
    await page.goto('/en/consultations?agency=digital-government-authority&topic=privacy');
    await expect(page.locator('#results .card[data-slug=e-participation-guideline]')).toHaveCount(1);
    await expect(page.locator('#results .card[data-slug=street-vendors-regulation]')).toHaveCount(0);
    await screenshot(page, testInfo, 'list-en');
    await page.goto('/ar/consultations');
    await screenshot(page, testInfo, 'list-ar');
    // An agency's page lists its consultations, without JavaScript too.
    await page.goto('/ar/agencies/digital-government-authority');
    await expect(page.locator('#agency-consultation-list .card[data-slug=open-data-licence]')).toHaveCount(1);
    await expect(page.locator('#agency-consultation-list .card[data-slug=municipal-social-media-policy]')).toHaveCount(0);
    await screenshot(page, testInfo, 'agency-ar');
    await context.close();
  });
});

test('staff create a 10-clause draft, schedule and open it, then publish version 2', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  // Set up two-factor, then appoint oneself agency admin of the demo agency.
  await signIn(page, DRAFTS_ADMIN);
  await page.goto('/en/account/two-factor');
  const secret = (await page.locator('code.secret').textContent())!.trim();
  await page.locator('#field-code').fill(totpCode(secret));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account\/recovery-codes$/);
  await page.goto('/en/admin');
  const appoint = page.locator('form:has(input[name=intent][value=appoint])');
  await appoint.locator('#field-email').fill(DRAFTS_ADMIN);
  await appoint.locator('#field-role').selectOption('agency_admin');
  await appoint.locator('#field-agency').selectOption(AGENCY);
  await appoint.locator('#field-decision_ref').fill('DGA-2026-117');
  await appoint.locator('#field-decided_on').fill('2026-01-10');
  await appoint.locator('#field-scope').fill('Publishing draft guidelines for consultation');
  await appoint.locator('button[type=submit]').click();
  // A new role ends the session: sign in again with the next code.
  await signIn(page, DRAFTS_ADMIN, totpCode(secret, Date.now() + 30_000));

  const slug = `open-data-rules-${Date.now().toString(36)}`;
  // The agency's page lists its consultations and, for its staff, starts a new one;
  // the header leads its staff there from any page.
  await page.goto('/en/account');
  await page.locator(`.account-nav a.account-nav__agency[href="/en/agencies/${AGENCY}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/en/agencies/${AGENCY}$`));
  await expect(page.locator('#agency-consultation-list .card[data-slug=e-participation-guideline]')).toHaveCount(1);
  await screenshot(page, testInfo, 'agency-staff-en');
  await page.locator(`a[href="/en/agencies/${AGENCY}/consultations/new"]`).click();
  await expect(page).toHaveURL(new RegExp(`/en/agencies/${AGENCY}/consultations/new$`));
  await page.locator('#field-slug').fill(slug);
  await page.locator('#field-title_ar').fill('قواعد نشر البيانات المفتوحة');
  await page.locator('#field-title_en').fill('Rules for publishing open data');
  await page.locator('#field-summary_en').fill('How agencies publish and update open data.');
  await page.locator('input[name=topics][value=open-data]').check();
  await page.locator('#field-opens_at').fill(localInput(1));
  await page.locator('#field-closes_at').fill(localInput(-1));
  await page.locator('#field-draft_ar').fill(draft('ar'));
  // The English draft comes as a Markdown file.
  await page.locator('#field-draft_en_file').setInputFiles({
    name: 'open-data-rules.en.md', mimeType: 'text/markdown', buffer: Buffer.from(draft('en')),
  });
  await page.locator('form:has(input[name=intent][value=save]) button[type=submit]').click();
  // A period that ends before it starts is refused, and nothing typed is lost.
  await expect(page.locator('#field-closes_at-error')).toContainText('after the opening');
  await expect(page.locator('#field-draft_ar')).toHaveValue(draft('ar'));
  await expect(page.locator('#field-draft_en')).toHaveValue(draft('en'));
  await expect(page.locator('input[name=topics][value=open-data]')).toBeChecked();
  await page.locator('#field-closes_at').fill(localInput(30));
  await page.locator('form:has(input[name=intent][value=save]) button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/en/consultations/${slug}/edit$`));
  // A document: anything but a PDF is refused; a PDF is attached.
  const attach = page.locator('form:has(input[name=intent][value=attach])');
  await attach.locator('#field-doc_title_en').fill('Open data survey results');
  await attach.locator('#field-file').setInputFiles({
    name: 'survey.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<script>alert(1)</script>'),
  });
  await attach.locator('button[type=submit]').click();
  await expect(page.locator('#field-file-error')).toContainText('Only PDF files');
  await expect(attach.locator('#field-doc_title_en')).toHaveValue('Open data survey results');
  await attach.locator('#field-file').setInputFiles({
    name: 'survey.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
  });
  await attach.locator('button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/en/consultations/${slug}/edit$`));
  await expect(page.locator('.documents__list a')).toHaveText('Open data survey results');
  await screenshot(page, testInfo, 'editor-en');

  // Drafts are not public.
  const visitor = await browser.newContext();
  const reader = await visitor.newPage();
  expect((await reader.goto(`/en/consultations/${slug}`))?.status()).toBe(404);
  // Its staff preview it: the page, answered as one (200), without a comment section.
  expect((await page.goto(`/en/consultations/${slug}`))?.status()).toBe(200);
  await expect(page.locator('.draft .clause--clause')).toHaveCount(10);
  await expect(page.locator('#contributions')).toHaveCount(0);
  await page.goto(`/en/consultations/${slug}/edit`);

  await page.locator('button[value=schedule]').click();
  await expect(page.locator('.badge[data-status=scheduled]')).toBeVisible();
  await page.locator('button[value=open_now]').click();
  await expect(page.locator('.badge[data-status=open]')).toBeVisible();

  // A visitor reads it in both languages and jumps to clause 7.
  for (const lang of ['ar', 'en'] as const) {
    await reader.goto(`/${lang}/consultations/${slug}`);
    await expect(reader.locator('.draft .clause--clause')).toHaveCount(10);
    await expect(reader.locator('.badge[data-status=open]')).toBeVisible();
    const link = reader.locator('.toc li.toc__clause a').nth(6);
    const href = (await link.getAttribute('href'))!;
    await link.click();
    await expect(reader).toHaveURL(new RegExp(`${href}$`));
    await expect(reader.locator(href)).toBeInViewport();
    await expect(reader.locator(`${href} .clause__number`)).toHaveText('7');
    await screenshot(reader, testInfo, `new-consultation-${lang}`);
  }
  // The document and the Markdown of the version are there for the visitor.
  const doc = await reader.request.get((await reader.locator('.documents__list a').getAttribute('href'))!);
  expect(doc.status()).toBe(200);
  expect(doc.headers()['content-type']).toBe('application/pdf');
  const md = await reader.request.get((await reader.locator('.draft__export a').getAttribute('href'))!);
  expect(md.status()).toBe(200);
  expect(await md.text()).toContain('rule number 7 on publishing');

  // A citizen follows it, to hear of its next version.
  const follower = await citizen(browser, `Follower ${Date.now().toString(36)}`, false);
  await follower.goto(`/en/consultations/${slug}`);
  await follower.getByRole('button', { name: 'Follow this consultation' }).click();
  await expect(follower).toHaveURL(new RegExp(`/en/consultations/${slug}#follow$`));
  await expect(follower.getByRole('button', { name: 'Stop following' })).toBeVisible();
  await screenshotOf(follower.locator('.consultation__header'), testInfo, 'following-en');
  await follower.goto(`/ar/consultations/${slug}`);
  await expect(follower.getByRole('button', { name: 'إلغاء المتابعة' })).toBeVisible();
  await screenshot(follower, testInfo, 'following-ar');
  await follower.goto('/en/account#following');
  await expect(follower.locator('.following a')).toHaveText('Rules for publishing open data');
  await screenshotOf(follower.locator('#notifications'), testInfo, 'account-following-en');
  await follower.goto('/ar/account#following');
  await screenshotOf(follower.locator('#notifications'), testInfo, 'account-following-ar');

  // Version 2: clauses 2 and 8 change, a new clause follows clause 5.
  await page.goto(`/ar/consultations/${slug}/edit`);
  // Arabic in the page's proportional font, and markers without invisible bidi marks.
  const draftAr = page.locator('#field-draft_ar');
  expect(await draftAr.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/mono/i);
  expect(await draftAr.inputValue()).toMatch(/\{#[a-z0-9-]+\}/);
  expect(await draftAr.inputValue()).not.toMatch(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  await screenshot(page, testInfo, 'editor-ar');
  const edit = async (lang: 'ar' | 'en', changed: [string, string][], added: string) => {
    const field = page.locator(`#field-draft_${lang}`);
    let text = await field.inputValue();
    for (const [from, to] of changed) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    const lines = text.split('\n');
    const fifth = lines.findIndex((l) => l.startsWith('5. '));
    lines.splice(fifth + 1, 0, '', added);
    await field.fill(lines.join('\n'));
  };
  await edit('ar', [['رقم 2 من', 'رقم 2 المعدل من'], ['رقم 8 من أحكام', 'رقم 8 من أحكام الإتاحة و']],
    '6. تنشر الجهة قائمة بمجموعات البيانات المتاحة.');
  await edit('en', [['number 2 on', 'number 2 (amended) on'], ['number 8 on publishing', 'number 8 on access, publishing']],
    '6. The agency publishes a list of its available datasets.');
  await page.locator('#field-change_note_ar').fill('تعديل البندين 2 و8 وإضافة بند عن قائمة البيانات.');
  await page.locator('form:has(input[name=intent][value=save]) button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/ar/consultations/${slug}/edit#cite$`));
  await expect(page.locator('.card__meta').first()).toContainText('2');

  for (const lang of ['ar', 'en'] as const) {
    await reader.goto(`/${lang}/consultations/${slug}/diff?from=1&to=2`);
    await expect(reader.locator('.diff-row[data-change=changed]')).toHaveCount(2);
    await expect(reader.locator('.diff-row[data-change=added]')).toHaveCount(1);
    await expect(reader.locator('.diff-row[data-change=removed]')).toHaveCount(0);
    await expect(reader.locator('.diff-row[data-change=moved]')).toHaveCount(0);
    await expect(reader.locator('.diff-row[data-change=unchanged]')).toHaveCount(9);
    await expect(reader.locator('.diff-row[data-change=added]')).toContainText(lang === 'ar' ? 'قائمة بمجموعات' : 'available datasets');
    await screenshot(reader, testInfo, `new-diff-${lang}`);
  }
  // The follower is told by mail and its link shows the changes.
  const news = await waitForMailAbout(follower.citizenEmail, 'New version of');
  expect(news.text).toContain('تعديل البندين 2 و8');
  await follower.goto(news.text.match(/https?:\/\/\S+\/diff\?from=1&to=2/)![0]);
  await expect(follower.locator('.diff-row[data-change=changed]')).toHaveCount(2);
  await visitor.close();
});
