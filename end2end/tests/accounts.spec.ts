import { test, expect, Page } from './guard';
import { CITIZEN_PASSWORD, citizen, screenshot, uniqueEmail, waitForHydration, waitForMail } from './helpers';

const PASSWORD = 'نخلة القصيم تثمر في الشتاء';

async function register(page: Page, lang: 'ar' | 'en', email: string, name: string, password = PASSWORD) {
  await page.goto(`/${lang}/register`);
  await page.locator('#field-email').fill(email);
  await page.locator('#field-display_name').fill(name);
  await page.locator('#field-password').fill(password);
  await page.locator('#field-accept_terms').check();
  await page.locator('form.form button[type=submit]').click();
}

function linkIn(text: string): string {
  const match = text.match(/https?:\/\/\S+/);
  if (!match) throw new Error(`no link in: ${text}`);
  return match[0];
}

for (const js of [true, false]) {
  test.describe(`account journey (${js ? 'with' : 'without'} JavaScript)`, () => {
    test.use({ javaScriptEnabled: js });

    test('register, receive the mail, verify, sign in, sign out', async ({ page }, testInfo) => {
      const email = uniqueEmail(js ? 'fatima' : 'salem');
      await register(page, 'en', email, 'فاطمة الحربي');
      await expect(page).toHaveURL(/\/en\/register\/sent$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');

      const [mail] = await waitForMail(email);
      expect(mail.subject).toBe('Confirm your email address for Shura');
      const link = linkIn(mail.text);
      expect(link).toContain('/en/verify-email?token=');

      await page.goto(link);
      await expect(page.locator('.notice--ok')).toHaveText('Your email address is confirmed. Thank you.');
      // The link works once.
      await page.goto(link);
      await expect(page.locator('.notice--error')).toContainText('not valid');

      await page.goto('/en/sign-in');
      await page.locator('#field-email').fill(email.toUpperCase());
      await page.locator('#field-password').fill(PASSWORD);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/en\/account$/);
      await expect(page.locator('.facts')).toContainText('Confirmed');
      await expect(page.locator('.account-nav__me')).toHaveText('فاطمة الحربي');
      if (js) await screenshot(page, testInfo, 'account-en');

      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect(page).toHaveURL(/\/en\/$/);
      await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
      await page.goto('/en/account');
      await expect(page.getByText('You are not signed in.')).toBeVisible();
    });
  });
}

test('Arabic registration keeps what was typed and explains each mistake', async ({ page }, testInfo) => {
  await page.goto('/ar/register');
  await page.locator('#field-email').fill('fatima-at-example');
  await page.locator('#field-display_name').fill('فاطمة');
  await page.locator('#field-password').fill('password123');
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('.form-summary')).toHaveText('يرجى تصحيح الحقول المشار إليها أدناه.');
  await expect(page.locator('#field-email-error')).toContainText('يُرجى إدخال بريد إلكتروني صحيح');
  await expect(page.locator('#field-password-error')).toContainText('شائعة أو سهلة التخمين');
  await expect(page.locator('#field-accept_terms-error')).toBeVisible();
  await expect(page.locator('#field-email')).toHaveValue('fatima-at-example');
  await expect(page.locator('#field-display_name')).toHaveValue('فاطمة');
  await expect(page.locator('#field-email')).toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, testInfo, 'register-errors-ar');
});

test('a wrong password and an unknown address get the same answer', async ({ page }, testInfo) => {
  const email = uniqueEmail('known');
  await register(page, 'ar', email, 'سالم');
  await expect(page).toHaveURL(/\/ar\/register\/sent$/);
  for (const address of [email, uniqueEmail('unknown')]) {
    await page.goto('/ar/sign-in');
    await page.locator('#field-email').fill(address);
    await page.locator('#field-password').fill('not the right password at all');
    await page.locator('form.form button[type=submit]').click();
    await expect(page.locator('.form-summary')).toHaveText('البريد الإلكتروني أو كلمة المرور غير صحيحة.');
    await expect(page.locator('#field-email')).toHaveValue(address);
  }
  await screenshot(page, testInfo, 'sign-in-error-ar');
});

test('registering an address twice tells only its owner', async ({ page }) => {
  const email = uniqueEmail('twice');
  await register(page, 'ar', email, 'نورة');
  await register(page, 'en', email, 'Someone else');
  await expect(page).toHaveURL(/\/en\/register\/sent$/);
  const mails = await waitForMail(email, 2);
  // Delivery order is not part of the contract: the worker may send a batch in any order.
  expect(mails.map((m) => m.subject).sort()).toEqual(
    ['تأكيد بريدك الإلكتروني في شورى', 'لديك حساب في شورى بالفعل'].sort(),
  );
});

test('a form without its CSRF token changes nothing', async ({ page, request }) => {
  const email = uniqueEmail('csrf');
  const response = await request.post('/en/register', {
    form: { email, display_name: 'X', password: PASSWORD, accept_terms: 'yes' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain('This form has expired. Nothing was saved');
  await page.waitForTimeout(2500);
  const { mailTo } = await import('./helpers');
  expect(mailTo(email)).toHaveLength(0);
});

test('a forgotten password is reset once by the mailed link', async ({ page }, testInfo) => {
  const email = uniqueEmail('reset');
  await register(page, 'ar', email, 'مريم');
  await waitForMail(email, 1);
  const newPassword = 'قافلة الإبل تعبر النفود ليلا';

  await page.goto('/ar/sign-in');
  await page.getByRole('link', { name: 'نسيت كلمة المرور؟' }).click();
  await expect(page).toHaveURL(/\/ar\/forgot-password$/);
  await page.locator('#field-email').fill(email);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/forgot-password\/sent$/);
  // An address without an account gets exactly the same answer.
  await page.goto('/ar/forgot-password');
  await page.locator('#field-email').fill(uniqueEmail('nobody'));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/forgot-password\/sent$/);

  const mails = await waitForMail(email, 2);
  const reset = mails.find((m) => m.subject === 'إعادة تعيين كلمة المرور في شورى');
  expect(reset).toBeDefined();
  const link = linkIn(reset!.text);

  await page.goto(link);
  await page.locator('#field-password').fill('password123');
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('#field-password-error')).toContainText('سهلة التخمين');
  await page.locator('#field-password').fill(newPassword);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/sign-in\?reset=done$/);
  await expect(page.locator('.notice--ok')).toBeVisible();
  await screenshot(page, testInfo, 'reset-done-ar');

  // The link works once.
  await page.goto(link);
  await expect(page.locator('.notice--error')).toContainText('غير صالح');

  await page.locator('body').isVisible();
  await page.goto('/ar/sign-in');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('.form-summary')).toHaveText('البريد الإلكتروني أو كلمة المرور غير صحيحة.');
  await page.locator('#field-password').fill(newPassword);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/account$/);
});

for (const lang of ['ar', 'en'] as const) {
  test(`account pages are translated and laid out ${lang === 'ar' ? 'right-to-left' : 'left-to-right'} (${lang})`, async ({ page }, testInfo) => {
    const paths = ['register', 'sign-in', 'forgot-password', 'register/sent', 'forgot-password/sent',
      'account', 'verify-email?token=unknown', 'reset-password?token=unknown'];
    for (const path of paths) {
      const response = await page.goto(`/${lang}/${path}`);
      // Signed out, the account page says so with 401.
      expect(response?.status()).toBe(path === 'account' ? 401 : 200);
      await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await screenshot(page, testInfo, `page-${path.replace(/[/?=]/g, '-')}-${lang}`);
    }
  });
}

test('signing out everywhere ends the sessions on other devices', async ({ browser }) => {
  const email = uniqueEmail('everywhere');
  const laptop = await browser.newContext();
  const phone = await browser.newContext();
  const first = await laptop.newPage();
  await register(first, 'en', email, 'Huda');
  await expect(first).toHaveURL(/\/en\/register\/sent$/);
  for (const page of [first, await phone.newPage()]) {
    await page.goto('/en/sign-in');
    await page.locator('#field-email').fill(email);
    await page.locator('#field-password').fill(PASSWORD);
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(/\/en\/account$/);
  }
  await first.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(first).toHaveURL(/\/en\/$/);
  const second = phone.pages()[0];
  await second.goto('/en/account');
  await expect(second.getByText('You are not signed in.')).toBeVisible();
  await laptop.close();
  await phone.close();
});

test('change the password, download my data, delete the account', async ({ page }, testInfo) => {
  const email = uniqueEmail('privacy');
  await register(page, 'en', email, 'Layla Haddad');
  const [mail] = await waitForMail(email);
  await page.goto(linkIn(mail.text));
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account$/);

  const passwordForm = page.locator('form:has(input[name=intent][value=password])');
  await passwordForm.locator('#field-current_password').fill('not my password at all');
  await passwordForm.locator('#field-new_password').fill('a brand new desert caravan phrase');
  await passwordForm.locator('button[type=submit]').click();
  await expect(page.locator('#field-current_password-error')).toHaveText('The current password is not right.');
  const newPassword = 'a brand new desert caravan phrase';
  await page.locator('#field-current_password').fill(PASSWORD);
  await page.locator('#field-new_password').fill(newPassword);
  await page.locator('form:has(input[name=intent][value=password]) button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account\?changed=password$/);
  await expect(page.locator('.notice--ok')).toBeVisible();
  await screenshot(page, testInfo, 'account-full-en');

  const data = await page.request.get('/en/account/my-data');
  expect(data.status()).toBe(200);
  expect(data.headers()['content-disposition']).toContain('attachment');
  const json = await data.json();
  expect(json.account.email).toBe(email);
  expect(json.account.display_name).toBe('Layla Haddad');
  expect(json.account.terms.version).toBeTruthy();
  expect(json.mail.map((m: { subject: string }) => m.subject)).toContain('Confirm your email address for Shura');

  await page.goto('/ar/account/delete');
  await screenshot(page, testInfo, 'delete-account-ar');
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('#field-password-error')).toBeVisible();
  await page.locator('#field-password').fill(newPassword);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/account\/deleted$/);
  await expect(page.locator('.account-nav a[href*="/sign-in"]')).toBeVisible();

  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(newPassword);
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('.form-summary')).toHaveText('The email address or password is incorrect.');
});

for (const js of [false, true]) {
  test(`signing in returns to the page one came from${js ? '' : ' (no JavaScript)'}`, async ({ browser }, testInfo) => {
    const page = await citizen(browser, `Returning ${js}`, js);
    await page.locator('.account-nav form button').click();
    const back = '/ar/consultations/e-participation-guideline?sort=oldest';
    await page.goto(back);
    await page.locator(`.account-nav a[href^="/ar/sign-in?next="]`).click();
    await page.locator('#field-email').fill(page.citizenEmail);
    await page.locator('#field-password').fill(CITIZEN_PASSWORD);
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(new RegExp(`${back.replace('?', '\\?')}$`));
    // The account page of a signed-in person, in Arabic on a phone.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/ar/account');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'the account page fits a phone').toBeLessThanOrEqual(0);
    await screenshot(page, testInfo, `account-ar-360${js ? '' : '-nojs'}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    // A link elsewhere is not followed: the account page instead.
    await page.locator('.account-nav form button').click();
    await page.goto('/en/sign-in?next=https%3A%2F%2Fevil.example%2F');
    await expect(page.locator('input[name=next]')).toHaveCount(0);
    await page.locator('#field-email').fill(page.citizenEmail);
    await page.locator('#field-password').fill(CITIZEN_PASSWORD);
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(/\/en\/account$/);
    await page.context().close();
  });
}

for (const js of [true, false]) {
  test(`Arabic pages write numbers in the digits a person chose${js ? '' : ' (no JavaScript)'}`, async ({ browser }, testInfo) => {
    const page = await citizen(browser, `Digits ${js}`, js);
    const indic = /[٠-٩]/;
    const latin = /[0-9]/;
    const guideline = '/ar/consultations/e-participation-guideline';
    await page.goto(guideline);
    await expect(page.locator('.date__gregorian').first()).toHaveText(latin);

    await page.goto('/ar/account');
    await page.locator('#digits input[value=arabic_indic]').check();
    await page.locator('#digits button[type=submit]').click();
    await expect(page.locator('.notice--ok')).toHaveText('حُفظ اختيار الأرقام.');
    await expect(page.locator('#digits input[value=arabic_indic]')).toBeChecked();
    await screenshot(page, testInfo, `account-digits-ar${js ? '' : '-nojs'}`);

    await page.goto(guideline);
    if (js) await waitForHydration(page);
    const date = page.locator('.date__gregorian').first();
    await expect(date).toHaveText(indic);
    await expect(date).not.toHaveText(latin);
    await expect(page.locator('.draft h2')).toHaveText(indic);
    if (js) {
      // The browser renders what the server rendered, and keeps to it when the
      // countdown ticks and when the router changes pages.
      await expect(page.locator('.countdown__value').first()).toHaveText(indic);
      await page.locator('.versions__list a').last().click();
      await expect(page).toHaveURL(/versions\/1$/);
      await expect(page.locator('.draft h2')).toHaveText(indic);
      await expect(page.locator('.draft h2')).not.toHaveText(latin);
    }
    await page.setViewportSize({ width: 360, height: 740 });
    await screenshot(page, testInfo, `consultation-ar-indic-360${js ? '' : '-nojs'}`);
    // English pages keep Latin digits.
    await page.goto('/en/consultations/e-participation-guideline');
    await expect(page.locator('.date__gregorian').first()).toHaveText(latin);
    await page.context().close();
  });
}
