import { test, expect } from './guard';
import { Staff, screenshot, screenshotOf } from './helpers';

// Created by serve-test.sh for these journeys only.
const STAFF = 'channels-admin@shura.test';
const AGENCY = 'digital-government-authority';
const GUIDELINE = '/consultations/e-participation-guideline';

test.describe.configure({ mode: 'serial' });

const staff = new Staff(STAFF);

/** `YYYY-MM-DD`, `days` from today. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('mandated staff record a post from the agency\'s social media account, its author kept anonymous', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  // The agency's staff role with its recorded mandate (an agency admin holds none:
  // only a mandate speaks for the agency).
  await staff.appoint(page, 'agency_staff', AGENCY, {
    ref: 'DGA-2026-311', on: '2026-03-01', scope: 'Recording contributions received by the agency',
  });

  // From the response queue to the form.
  await page.goto(`/en${GUIDELINE}/responses`);
  await page.locator('.responses__record a').click();
  await expect(page).toHaveURL(new RegExp(`/en${GUIDELINE}/record$`));
  await page.locator('input[name=channel][value=social_media]').check();
  await page.locator('#field-received_on').fill(day(-1));
  await page.locator('#field-source_url').fill('https://social.example.org/@dga/posts/2044');
  await page.locator('#field-clause').selectOption({ index: 3 });
  await page.locator('#field-text').fill('Replies on the agency\'s account should say which clause of the draft they are about.');
  await page.locator('.received button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('Recorded');
  for (const lang of ['en', 'ar'] as const) {
    await page.goto(`/${lang}${GUIDELINE}/record`);
    await screenshot(page, testInfo, `record-${lang}`);
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `the form fits a phone in ${lang}`).toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `record-${lang}-360`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  // The public reads it from a member of the public, without the link to the post.
  await page.goto(`/en${GUIDELINE}?sort=newest`);
  const item = page.locator('li.contribution', { hasText: 'which clause of the draft they are about' });
  await expect(item).toContainText('A member of the public');
  await expect(item.locator('.contribution__channel')).toHaveAttribute('data-channel', 'social_media');
  await expect(item.locator('a[href*="social.example.org"]')).toHaveCount(0);
  await screenshotOf(item, testInfo, 'record-shown-en');
});

test('without JavaScript, in Arabic, a letter received tomorrow is refused and then recorded with its writer named', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  expect(staff.secret, 'the first journey ran').not.toBe('');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await staff.signIn(page);
  await page.goto(`/ar${GUIDELINE}/record`);
  await page.locator('input[name=channel][value=letter]').check();
  await page.locator('#field-received_on').fill(day(2));
  await page.locator('input[name=speaker][value=organisation]').check();
  await page.locator('#field-name').fill('د. هند العتيبي');
  await page.locator('input[name=consent]').check();
  await page.locator('#field-organisation').fill('جامعة الملك سعود');
  await page.locator('#field-organisation_kind').selectOption('academic');
  await page.locator('#field-text').fill('نقترح أن تُستشار الجامعات في البنود المتعلقة ببيانات البحث العلمي.');
  await page.locator('.received button[type=submit]').click();
  await expect(page.locator('#field-received_on-error')).toBeVisible();
  await expect(page.locator('#field-text')).toHaveValue('نقترح أن تُستشار الجامعات في البنود المتعلقة ببيانات البحث العلمي.');
  await page.locator('#field-received_on').fill(day(-3));
  await page.locator('.received button[type=submit]').click();
  await expect(page.locator('.notice--ok')).toContainText('سُجّلت');
  await page.locator('.notice--ok a').click();
  const item = page.locator('li.contribution', { hasText: 'ببيانات البحث العلمي' });
  await expect(item).toContainText('د. هند العتيبي');
  await expect(item).toContainText('جامعة الملك سعود');
  await expect(item.locator('.contribution__channel')).toHaveAttribute('data-channel', 'letter');
  await screenshotOf(item, testInfo, 'record-shown-ar');
  await context.close();
});
