import { test, expect } from './guard';
import { citizen, screenshot } from './helpers';

const GUIDELINE = '/consultations/e-participation-guideline';

// A form whose intent the server does not know (an old page, a tampered field) is
// answered 400 with a notice at the top of the page; nothing is posted.
for (const lang of ['ar', 'en'] as const) {
  test(`a form that cannot be read comes back with a notice and posts nothing (${lang})`, async ({ browser }, testInfo) => {
    const page = await citizen(browser, lang === 'ar' ? 'نورة' : 'Nora', true);
    const text = `Unreadable form ${Date.now().toString(36)}`;
    await page.goto(`/${lang}${GUIDELINE}`);
    const form = page.locator('#contribute form');
    await form.locator('textarea[name=body]').fill(text);
    await form.locator('input[name=intent]').evaluate((input: HTMLInputElement) => { input.value = 'publish'; });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type=submit]').click(),
    ]);
    expect(response.status()).toBe(400);
    const notice = page.locator('main > .form-summary[role=alert]');
    await expect(notice).toContainText(lang === 'ar' ? 'تعذّرت قراءة هذا النموذج' : 'This form could not be read');
    await screenshot(page, testInfo, `form-unreadable-${lang}-desktop`, false);
    await page.setViewportSize({ width: 360, height: 780 });
    await screenshot(page, testInfo, `form-unreadable-${lang}-360`, false);
    await page.goto(`/${lang}${GUIDELINE}`);
    await expect(page.locator('main')).not.toContainText(text);
    await page.context().close();
  });
}
