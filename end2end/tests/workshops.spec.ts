import { test, expect, Page } from './guard';
import { Staff, citizen, screenshot, waitForHydration, waitForMailAbout } from './helpers';

// Created by serve-test.sh for these journeys only.
const ORGANISER = 'workshops-admin@shura.test';
const AGENCY = 'digital-government-authority';
const GUIDELINE = '/consultations/e-participation-guideline';

test.describe.configure({ mode: 'serial' });

const organiser = new Staff(ORGANISER);
// The workshop the first journey schedules, which the others use.
let workshopPath = '';

/** The `datetime-local` value `days` from now at `hour`:00 (the agency's zone is Riyadh). */
function local(days: number, hour: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const day = d.toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

test('an organiser schedules a workshop of two places from the consultation page', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  // Two-factor, then the organiser role for the agency.
  await organiser.appoint(page, 'organiser', AGENCY);

  await page.goto(`/en${GUIDELINE}`);
  await page.locator('#workshops a', { hasText: 'Schedule a workshop' }).click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/workshops/new$`));
  await waitForHydration(page);
  await page.locator('#field-title_ar').fill('ورشة عمل حول مسودة دليل المشاركة الإلكترونية');
  await page.locator('#field-title_en').fill('Workshop on the draft e-participation guideline');
  await page.locator('#field-description_en').fill('Representatives of agencies discuss the draft, clause by clause.');
  await page.locator('#field-agenda_ar').fill('كلمة افتتاحية\nمناقشة البنود\nالخلاصة والخطوات التالية');
  await page.locator('#field-agenda_en').fill('Opening\nDiscussion of the clauses\nSummary and next steps');
  await page.locator('#field-starts_at').fill(local(12, 9));
  await page.locator('#field-ends_at').fill(local(12, 12));
  // Registration closing after the start: refused, and said why.
  await page.locator('#field-registration_closes_at').fill(local(13, 9));
  await page.locator('#field-venue_ar').fill('الرياض، مقر الهيئة، القاعة الكبرى');
  await page.locator('#field-venue_en').fill('Riyadh, the authority\'s main hall');
  await page.locator('#field-capacity').fill('2');
  await page.locator('#audience-open').check();
  await page.locator('.workshop-editor button[type=submit]').click();
  await expect(page.locator('#field-registration_closes_at-error')).toContainText('Registration must close before the workshop starts.');
  await expect(page.locator('#field-title_en')).toHaveValue('Workshop on the draft e-participation guideline');
  await page.locator('#field-registration_closes_at').fill(local(10, 23));
  await page.locator('.workshop-editor button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/workshops\/\d+$/);
  workshopPath = new URL(page.url()).pathname.replace(/^\/en/, '');
  await expect(page.locator('h1')).toContainText('Workshop on the draft e-participation guideline');
  await expect(page.locator('.workshop__facts')).toContainText('Riyadh time');
  await expect(page.locator('.workshop__places')).toContainText('0 of 2 places taken');

  // Its calendar file.
  const ics = await page.request.get(`/en${workshopPath}.ics`);
  expect(ics.headers()['content-type']).toContain('text/calendar');
  expect(await ics.text()).toContain('X-WR-TIMEZONE:Asia/Riyadh');

  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${workshopPath}`);
    await screenshot(page, testInfo, `workshop-${lang}`);
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the workshop page fits a phone in ${lang}`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `workshop-${lang}-360`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await page.goto(`/ar${GUIDELINE}/workshops/new`);
  await screenshot(page, testInfo, 'workshop-form-ar');
  await page.goto(`/ar/workshops`);
  await expect(page.locator(`a[href="/ar${workshopPath}"]`)).toHaveCount(1);
  await screenshot(page, testInfo, 'workshops-ar');
});

test('three citizens register for two places: the third waits, then moves up when one cancels', async ({ browser, page }, testInfo) => {
  test.setTimeout(240_000);
  expect(workshopPath, 'the first journey ran').not.toBe('');
  const amal = await citizen(browser, 'Amal Al-Qahtani', true);
  const badr = await citizen(browser, 'Badr Al-Dosari', false);
  const chadi = await citizen(browser, 'شادي العمري', false);

  // With JavaScript, in English.
  await amal.goto(`/en${workshopPath}`);
  await waitForHydration(amal);
  await amal.locator('#register button[type=submit]').click();
  await expect(amal.locator('#register [data-registration=confirmed]')).toBeVisible();
  const amalMail = await waitForMailAbout(amal.citizenEmail, 'is confirmed');
  const code = amalMail.text.match(/check-in code is ([A-Z0-9]{6})/)![1];

  // Without JavaScript, in Arabic.
  await badr.goto(`/ar${workshopPath}`);
  await badr.locator('#register button[type=submit]').click();
  await expect(badr.locator('#register [data-registration=confirmed]')).toBeVisible();
  // Mail comes in the language of the account (these registered in English).
  await waitForMailAbout(badr.citizenEmail, 'is confirmed');
  await chadi.goto(`/ar${workshopPath}`);
  await expect(chadi.locator('#register button[type=submit]')).toContainText('قائمة الانتظار');
  await chadi.locator('#register button[type=submit]').click();
  await expect(chadi.locator('#register [data-registration=waitlisted]')).toContainText('1');
  await waitForMailAbout(chadi.citizenEmail, 'waiting list');
  await screenshot(chadi, testInfo, 'workshop-waitlisted-ar');

  // Badr gives his place up; Chadi is promoted and told.
  await badr.locator('#register form:has(input[name=intent][value=cancel]) button[type=submit]').click();
  await expect(badr.locator('#register .notice--ok')).toContainText('أُلغي تسجيلك');
  await waitForMailAbout(badr.citizenEmail, 'is cancelled');
  const promoted = await waitForMailAbout(chadi.citizenEmail, 'is now yours');
  expect(promoted.text).toMatch(/check-in code is [A-Z0-9]{6}/);
  await chadi.reload();
  await expect(chadi.locator('#register [data-registration=confirmed]')).toBeVisible();

  // The organiser checks Amal in by her code and Chadi from the list, and adds a walk-in.
  await organiser.signIn(page);
  await page.goto(`/en${workshopPath}/manage`);
  await waitForHydration(page);
  await page.locator('#field-code').fill(code.toLowerCase());
  await page.locator('form:has(input[name=intent][value=check_in_code]) button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('checked in');
  await page.locator('tr', { hasText: 'شادي العمري' }).locator('button[type=submit]').click();
  await expect(page.locator('tr', { hasText: 'شادي العمري' }).locator('[data-attended=yes]')).toBeVisible();
  await page.locator('#field-walk_in_name').fill('Hessa Al-Mutairi');
  await page.locator('#field-org_name').fill('جمعية الحكومة المفتوحة');
  await page.locator('#field-org_kind').selectOption('ngo');
  await page.locator('form:has(input[name=intent][value=walk_in]) button[type=submit]').click();
  await expect(page.locator('[data-figure=attended]')).toHaveText('3');
  await screenshot(page, testInfo, 'workshop-manage-en');
  const csv = await page.request.get(`/en${workshopPath}/participants.csv`);
  expect(await csv.text()).toContain('Hessa Al-Mutairi,جمعية الحكومة المفتوحة,yes');
  await page.goto(`/ar${workshopPath}/manage`);
  await screenshot(page, testInfo, 'workshop-manage-ar');
  await page.setViewportSize({ width: 360, height: 800 });
  await screenshot(page, testInfo, 'workshop-manage-ar-360');
  await page.setViewportSize({ width: 1280, height: 800 });

  // A citizen may not reach the organisers' page.
  const res = await amal.goto(`/en${workshopPath}/manage`);
  expect(res?.status()).toBe(403);
});

test('without JavaScript an organiser schedules a workshop and checks people in', async ({ browser }) => {
  test.setTimeout(120_000);
  expect(organiser.secret, 'the first journey ran').not.toBe('');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await organiser.signIn(page);
  await page.goto(`/ar${GUIDELINE}/workshops/new`);
  await page.locator('#field-title_ar').fill('ورشة الجهات الحكومية عن بُعد');
  await page.locator('#field-starts_at').fill(local(20, 10));
  await page.locator('#field-ends_at').fill(local(20, 12));
  await page.locator('#field-registration_closes_at').fill(local(19, 10));
  await page.locator('#field-online_url').fill('https://meet.example.sa/shura-workshop');
  await page.locator('#field-capacity').fill('0');
  await page.locator('#audience-agency_representatives').check();
  await page.locator('.workshop-editor button[type=submit]').click();
  await expect(page.locator('#field-capacity-error')).toContainText('عدداً صحيحاً');
  await page.locator('#field-capacity').fill('200');
  await page.locator('.workshop-editor button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/workshops\/\d+$/);
  await expect(page.locator('.workshop__facts')).toContainText('meet.example.sa');
  const path = new URL(page.url()).pathname;

  // An agency representative gives their agency and role.
  const rep = await citizen(browser, 'Noura Al-Shehri', false);
  await rep.goto(path);
  await rep.locator('#register button[type=submit]').click();
  await expect(rep.locator('#field-org_name-error')).toBeVisible();
  await rep.locator('#field-org_name').fill('وزارة الاتصالات وتقنية المعلومات');
  await rep.locator('#field-org_role').fill('مديرة التحول الرقمي');
  await rep.locator('#register button[type=submit]').click();
  await expect(rep.locator('#register [data-registration=confirmed]')).toBeVisible();
  const code = (await rep.locator('.check-in-code').textContent())!.trim();

  await page.goto(`${path}/manage`);
  await page.locator('#field-code').fill(code);
  await page.locator('form:has(input[name=intent][value=check_in_code]) button[type=submit]').click();
  await expect(page.locator('[data-figure=attended]')).toHaveText('1');
  await expect(page.locator('tr', { hasText: 'وزارة الاتصالات' })).toContainText('مديرة التحول الرقمي');
  await context.close();
});

/** The demo's past agency workshop, imported: it names no organiser, so the agency's run it. */
async function pastWorkshop(page: Page): Promise<string> {
  await page.goto('/en/workshops');
  const link = page.locator('a', { hasText: 'Workshop for government agency representatives on the draft guideline' }).first();
  return new URL((await link.getAttribute('href'))!, page.url()).pathname.replace(/^\/en/, '');
}

/** A feedback sheet of five rows; `speaker` is the fourth row's (line 4's) speaker. */
function sheet(marker: string, speaker: string): Buffer {
  const rows = [
    'clause,speaker,name,consent,organisation,organisation_kind,text',
    `1,person,سارة القحطاني,yes,,,نقترح تعريفًا أوضح للمشاركة الإلكترونية يشمل الورش ${marker}`,
    `3,organisation,,no,جمعية المكفوفين,ngo,يجب أن تكون المسودات متاحة لقارئات الشاشة ${marker}`,
    `,${speaker},,,,,The group asks for a reminder three days before a consultation closes ${marker}`,
    `4,person,,no,,,"أقترح مهلة أطول للرد على المساهمات ${marker}\nمع نشر سبب التأخير"`,
    `,group,,,,,توافقت المجموعة على نشر محاضر الورش خلال أسبوع ${marker}`,
  ];
  // With a byte order mark, as spreadsheets save "CSV UTF-8".
  return Buffer.from('\uFEFF' + rows.join('\r\n') + '\r\n', 'utf8');
}

test('the organiser imports a feedback sheet: a bad row stops it, fixed it goes in, searchable and counted', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  expect(organiser.secret, 'the first journey ran').not.toBe('');
  await organiser.signIn(page);
  const path = await pastWorkshop(page);
  await page.goto(`/en${path}/manage`);
  await waitForHydration(page);
  const entered = Number((await page.locator('[data-figure=contributions]').textContent())!.match(/\d+/)![0]);
  const marker = 'wkq' + Date.now().toString(36);

  // One row wrong: nothing imported, that row named by its line and column.
  await page.locator('#field-sheet').setInputFiles({ name: 'ملاحظات الورشة.csv', mimeType: 'text/csv', buffer: sheet(marker, 'somebody') });
  await page.locator('form:has(input[name=intent][value=sheet]) button[type=submit]').click();
  await expect(page.locator('.form-summary')).toContainText('Nothing was imported');
  await expect(page.locator('.form-summary li')).toHaveCount(1);
  await expect(page.locator('.form-summary li[data-line="4"][data-column="speaker"]')).toContainText('Line 4');
  await screenshot(page, testInfo, 'workshop-sheet-rejected-en');
  await expect(page.locator('[data-figure=contributions]')).toContainText(String(entered));

  // Corrected: all five go in.
  await page.locator('#field-sheet').setInputFiles({ name: 'ملاحظات الورشة.csv', mimeType: 'text/csv', buffer: sheet(marker, 'group') });
  await page.locator('form:has(input[name=intent][value=sheet]) button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('feedback sheet was imported');
  await expect(page.locator('[data-figure=contributions]')).toContainText(String(entered + 5));

  // The minutes, corrected and published again.
  await page.locator('#field-minutes_en').fill('## Attendance\nRepresentatives of 153 agencies attended.\n\n## Next steps\nThe feedback sheet is on the portal; every row will be answered.');
  await page.locator('form:has(input[name=intent][value=minutes]) button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('minutes are published');
  await page.goto(`/en${path}`);
  await expect(page.locator('.workshop__minutes')).toContainText('every row will be answered');

  // In search, with the workshop as their channel.
  const search = `/en/search?q=reminder+${marker}&channel=workshop`;
  await page.goto(search);
  for (let i = 0; i < 20 && (await page.locator('.search-hit').count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.goto(search);
  }
  await expect(page.locator('.search-hit')).toHaveCount(1);
  await screenshot(page, testInfo, 'workshop-sheet-search-en');
  // On the consultation page, said who said it as agreed, linked to the workshop.
  await page.locator('.search-hit__snippet a').first().click();
  const item = page.locator('li.contribution', { hasText: `reminder three days before a consultation closes ${marker}` });
  await expect(item.locator('.contribution__channel')).toHaveAttribute('data-channel', 'workshop');
  await expect(item).toContainText('Group feedback');
  await expect(item.locator(`.contribution__channel a[href="/en${path}"]`)).toHaveCount(1);
  // Counted on the impact page, with each channel's share.
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/impact`);
    await expect(page.locator('.channel-shares tr[data-channel=workshop]')).toBeVisible();
    await screenshot(page, testInfo, `impact-channels-${lang}`);
  }
});

test('without JavaScript, in Arabic, the organiser enters one contribution and a sheet with mistakes is named', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  expect(organiser.secret, 'the first journey ran').not.toBe('');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await organiser.signIn(page);
  const path = await pastWorkshop(page);
  await page.goto(`/ar${path}/manage`);
  const marker = 'wkn' + Date.now().toString(36);

  // A name without consent: refused, saying why, and what was typed comes back.
  await page.locator('#field-clause').selectOption({ index: 2 });
  await page.locator('input[name=speaker][value=person]').check();
  await page.locator('#field-name').fill('عبدالله الحربي');
  await page.locator('#field-text').fill(`نقترح أن تُرسل البوابة ملخص الردود بالبريد ${marker}`);
  await page.locator('form:has(input[name=intent][value=contribution]) button[type=submit]').click();
  await expect(page.locator('#field-name-error')).toContainText('بموافقة');
  await expect(page.locator('#field-text')).toHaveValue(`نقترح أن تُرسل البوابة ملخص الردود بالبريد ${marker}`);
  await page.locator('input[name=consent]').check();
  await page.locator('form:has(input[name=intent][value=contribution]) button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('أُدخلت المساهمة');

  // A sheet saved in another encoding, then one with two bad rows: every mistake named.
  await page.locator('#field-sheet').setInputFiles({ name: 'sheet.csv', mimeType: 'text/csv', buffer: Buffer.from('speaker,text\nperson,caf\xe9\n', 'latin1') });
  await page.locator('form:has(input[name=intent][value=sheet]) button[type=submit]').click();
  await expect(page.locator('.form-summary')).toContainText('UTF-8');
  const bad = Buffer.from(`البند,المتحدث,الاسم,الموافقة,النص\n٩٩,فرد,,,رأي ${marker}\n,مجموعة,سعاد,,رأي آخر ${marker}\n`, 'utf8');
  await page.locator('#field-sheet').setInputFiles({ name: 'sheet.csv', mimeType: 'text/csv', buffer: bad });
  await page.locator('form:has(input[name=intent][value=sheet]) button[type=submit]').click();
  await expect(page.locator('.form-summary')).toContainText('لم يُستورد شيء');
  await expect(page.locator('.form-summary li[data-line="2"][data-column="clause"]')).toBeVisible();
  await expect(page.locator('.form-summary li[data-line="3"][data-column="name"]')).toBeVisible();
  await screenshot(page, testInfo, 'workshop-sheet-rejected-ar');
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the organisers\' page fits a phone').toBeLessThanOrEqual(0);
  await screenshot(page, testInfo, 'workshop-sheet-rejected-ar-360');
  await context.close();
});
