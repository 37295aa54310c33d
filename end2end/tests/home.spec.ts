import { test, expect } from './guard';
import { screenshot, waitForHydration } from './helpers';

test.describe('home page', () => {
  test('Arabic home is right-to-left and lists open consultations', async ({ page }, testInfo) => {
    const response = await page.goto('/ar/');
    expect(response?.status()).toBe(200);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page).toHaveTitle(/استشارات مفتوحة للتعليق/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('استشارات مفتوحة للتعليق');
    expect(await page.locator('#open-now .card').count()).toBeGreaterThanOrEqual(3);
    await expect(page.locator('#open-now .card').first()).toContainText('سياسة استخدام الأمانة');
    // Scheduled consultations are not open yet.
    await expect(page.getByText('لائحة الحدائق العامة')).toHaveCount(0);
    await screenshot(page, testInfo, 'home-ar');
  });

  test('English home is left-to-right and translated', async ({ page }, testInfo) => {
    await page.goto('/en/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page).toHaveTitle(/Consultations open for comment/);
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeAttached();
    expect(await page.locator('#open-now .card').count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByText('Municipal social media policy')).toBeVisible();
    await screenshot(page, testInfo, 'home-en');
  });

  test('a title missing in English is shown in Arabic and marked', async ({ page }) => {
    await page.goto('/en/');
    const card = page.locator('.card[data-slug="open-data-licence"]');
    const title = card.locator('.card__title bdi');
    await expect(title).toHaveAttribute('lang', 'ar');
    await expect(title).toHaveAttribute('dir', 'rtl');
    await expect(card.locator('.card__title')).toContainText('Not available in English');
  });

  test('the skip link moves focus to the main content, once hydrated too', async ({ page }) => {
    await page.goto('/en/');
    await waitForHydration(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await skip.press('Enter');
    await expect(page).toHaveURL(/#main$/);
    await expect(page.locator('#main')).toBeFocused();
  });

  test('only the link to the page shown is marked current', async ({ page }) => {
    await page.goto('/en/consultations');
    await expect(page.locator('.site-nav a[aria-current=page]')).toHaveCount(1);
    await expect(page.locator('.site-nav a[aria-current=page]')).toHaveAttribute('href', '/en/consultations');
    await page.goto('/en/moderation-rules');
    await expect(page.locator('.site-nav a[aria-current]')).toHaveCount(0);
  });
});

test.describe('language', () => {
  test('/ follows Accept-Language when there is no cookie', async ({ browser }) => {
    const en = await browser.newContext({ locale: 'en-GB' });
    const enPage = await en.newPage();
    await enPage.goto('/');
    await expect(enPage).toHaveURL(/\/en\/$/);
    await en.close();

    const other = await browser.newContext({ locale: 'fr-FR' });
    const otherPage = await other.newPage();
    await otherPage.goto('/');
    await expect(otherPage).toHaveURL(/\/ar\/$/);
    await other.close();
  });

  test('the switch keeps the page and is remembered', async ({ browser }, testInfo) => {
    const context = await browser.newContext({ locale: 'ar-SA' });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page).toHaveURL(/\/ar\/$/);
    await waitForHydration(page);
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/en\/$/);
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Consultations open for comment');
    // The choice wins over the browser's Arabic preference from now on.
    await page.goto('/');
    await expect(page).toHaveURL(/\/en\/$/);
    await page.getByRole('link', { name: 'العربية' }).click();
    await expect(page).toHaveURL(/\/ar\/$/);
    await screenshot(page, testInfo, 'switched-back-ar');
    await context.close();
  });

  test('an unknown page answers 404 in the language of its path', async ({ page }, testInfo) => {
    const response = await page.goto('/en/no-such-page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await screenshot(page, testInfo, 'not-found-en');
    const ar = await page.goto('/ar/no-such-page');
    expect(ar?.status()).toBe(404);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('الصفحة غير موجودة');
    await screenshot(page, testInfo, 'not-found-ar');
  });

  test('the terms and the privacy notice exist in both languages and are linked from registration and the footer', async ({ page }, testInfo) => {
    for (const [lang, terms, privacy] of [['ar', 'شروط الاستخدام', 'الخصوصية'], ['en', 'Terms of use', 'Privacy']]) {
      await page.goto(`/${lang}/register`);
      await page.locator(`.field a[href="/${lang}/terms"]`).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(terms);
      await screenshot(page, testInfo, `terms-${lang}`);
      await page.locator(`.site-footer a[href="/${lang}/privacy"]`).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(privacy);
      await expect(page.locator('.legal')).toContainText(lang === 'ar' ? 'نزِّل بياناتي' : 'Download my data');
      await screenshot(page, testInfo, `privacy-${lang}`);
    }
  });

  test('a missing consultation, version or agency, and a forbidden editor, have a title, a heading and a way on', async ({ page }, testInfo) => {
    const cases: [string, number, string, string][] = [
      ['/en/consultations/no-such-consultation', 404, 'Page not found', 'Page not found'],
      ['/ar/consultations/e-participation-guideline/versions/99', 404, 'الصفحة غير موجودة', 'الصفحة غير موجودة'],
      ['/en/agencies/no-such-agency', 404, 'Page not found', 'Page not found'],
      ['/en/consultations/e-participation-guideline/edit', 401, 'Not open to you', 'Not open to you'],
    ];
    for (const [path, status, title, heading] of cases) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(status);
      await expect(page, path).toHaveTitle(new RegExp(`^${title}`));
      await expect(page.getByRole('heading', { level: 1 }), path).toHaveText(heading);
      await expect(page.locator('.error-page__onward a').first(), path).toBeVisible();
    }
    await screenshot(page, testInfo, 'forbidden-editor-en');
  });
});

test.describe('hydration', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  for (const lang of ['ar', 'en']) {
    test(`the menu button works after hydration (${lang})`, async ({ page }, testInfo) => {
      await page.goto(`/${lang}/`);
      await waitForHydration(page);
      const toggle = page.locator('.site-nav__toggle');
      await expect(toggle).toBeVisible();
      await expect(toggle).toHaveAttribute('aria-expanded', 'false');
      await expect(page.locator('#site-nav-links')).toBeHidden();
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      await expect(page.locator('#site-nav-links')).toBeVisible();
      // The whole navigation: pages, signing in, registering, the other language.
      for (const link of ['.site-nav__links a', '.account-nav a', '.lang-switch']) {
        await expect(page.locator(`#site-nav-links ${link}`).first()).toBeVisible();
      }
      await screenshot(page, testInfo, `menu-open-${lang}`);
      await toggle.click();
      await expect(page.locator('#site-nav-links')).toBeHidden();
    });
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });

  test('the page is complete and navigable', async ({ page }, testInfo) => {
    await page.goto('/ar/');
    expect(await page.locator('#open-now .card').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, testInfo, 'no-js-ar');
    // No menu button without JavaScript: the links stay visible.
    await expect(page.locator('.site-nav__toggle')).toBeHidden();
    await expect(page.locator('#site-nav-links')).toBeVisible();
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/en\/$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(await page.locator('#open-now .card').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, testInfo, 'no-js-en');
  });
});
