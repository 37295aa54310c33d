import { test, expect } from './guard';
import { citizen, screenshot, waitForHydration } from './helpers';

const GUIDELINE = '/consultations/e-participation-guideline';

for (const lang of ['ar', 'en'] as const) {
  for (const js of [true, false]) {
    const how = `${lang}, ${js ? 'with' : 'without'} JavaScript`;
    test(`search finds a contribution by another word form, a facet narrows, the hit opens its thread (${how})`, async ({ browser }, testInfo) => {
      test.setTimeout(60_000);
      // A word only this run writes, so earlier runs' contributions are not found.
      const marker = `zq${Date.now().toString(36)}${js ? 'j' : 'n'}${lang}`;
      const author = await citizen(browser, `Search ${marker}`, js);
      await author.goto(`/${lang}${GUIDELINE}`);
      const body = lang === 'ar'
        ? `نطالب بنشر مَحاضِر اجتماعات اللجنة للعموم ${marker}`
        : `Please publish the minutes of every committee meeting ${marker}`;
      await author.locator('#field-body').fill(body);
      await author.locator('.contribute-form button[type=submit]').click();
      await expect(author).toHaveURL(/#contribution-\d+$/);
      const id = new URL(author.url()).hash.slice(1);
      await author.context().close();

      const context = await browser.newContext({ javaScriptEnabled: js });
      const page = await context.newPage();
      await page.goto(`/${lang}/`);
      if (js) await waitForHydration(page);
      await page.locator('.site-nav__links a[href$="/search"]').click();
      await expect(page).toHaveURL(new RegExp(`/${lang}/search$`));
      // Another word form than the one written: the singular محضر, or "meetings".
      const words = lang === 'ar' ? `محضر ${marker}` : `meetings ${marker}`;
      await page.locator('#search-q').fill(words);
      await page.locator('.search-form button[type=submit]').click();
      // The indexer takes up to a second or two: search again until it is there.
      for (let i = 0; i < 10 && (await page.locator('.search-hit').count()) === 0; i++) {
        await page.waitForTimeout(500);
        await page.reload();
      }
      await expect(page.locator('.search-hit')).toHaveCount(1);
      const mark = page.locator('.search-hit mark').first();
      await expect(mark).toHaveText(lang === 'ar' ? 'مَحاضِر' : 'meeting');
      await screenshot(page, testInfo, `search-${lang}${js ? '' : '-nojs'}`);
      await page.setViewportSize({ width: 360, height: 740 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the search page fits a phone').toBeLessThanOrEqual(0);
      await screenshot(page, testInfo, `search-${lang}-360${js ? '' : '-nojs'}`);
      await page.setViewportSize({ width: 1280, height: 800 });

      // A facet value is a link: choosing it narrows, choosing it again takes it away.
      const individual = page.locator('.facet__value', { hasText: lang === 'ar' ? 'فرد' : 'An individual' });
      await individual.click();
      await expect(page).toHaveURL(/speaker=individual/);
      await expect(page.locator('.facet__value--chosen')).toHaveCount(1);
      await expect(page.locator('.search-hit')).toHaveCount(1);
      await page.locator('.facet__value--chosen').click();
      await expect(page).not.toHaveURL(/speaker=/);

      // The hit opens the contribution in its thread.
      await page.locator('.search-hit__snippet a').click();
      await expect(page).toHaveURL(new RegExp(`\\?thread=\\d+#${id}$`));
      await expect(page.locator(`#${id}`)).toContainText(marker);

      // The consultation's own search box searches within it.
      await page.goto(`/${lang}${GUIDELINE}`);
      if (js) await waitForHydration(page);
      await page.locator('#consultation-search').fill(marker);
      await page.locator('.search-form--inline button[type=submit]').click();
      await expect(page).toHaveURL(/consultation=e-participation-guideline/);
      await expect(page.locator('.search__scope')).toBeVisible();
      await expect(page.locator('.search-hit')).toHaveCount(1);

      // A broad search over the demo's contributions: many hits, every facet.
      await page.goto(`/${lang}/search?q=${encodeURIComponent(lang === 'ar' ? 'البيانات المفتوحة' : 'open data')}`);
      await expect(page.locator('.search-hit').nth(5)).toBeVisible();
      if (!js) {
        await screenshot(page, testInfo, `search-broad-${lang}`);
        await page.setViewportSize({ width: 360, height: 740 });
        await screenshot(page, testInfo, `search-broad-${lang}-360`, false);
      }
      await context.close();
    });
  }
}

test('a search the page cannot read says why, in the reader\'s language', async ({ page }, testInfo) => {
  const response = await page.goto('/ar/search?q=%22%D9%85%D8%AD%D8%B6%D8%B1');
  expect(response!.status()).toBe(400);
  await expect(page.locator('.form-summary')).toContainText('علامة تنصيص غير مغلقة');
  await expect(page.locator('#search-q')).toHaveValue('"محضر', { timeout: 5_000 });
  await screenshot(page, testInfo, 'search-error-ar');
  const en = await page.goto('/en/search?channel=fax');
  expect(en!.status()).toBe(400);
  await expect(page.locator('.form-summary')).toContainText('a filter the search does not know');
});
