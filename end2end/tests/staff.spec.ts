import { test, expect, Page } from './guard';
import { ADMIN_EMAIL, ADMIN_PASSWORD, screenshot, totpCode, uniqueEmail, waitForMail } from './helpers';

const PASSWORD = 'نخلة القصيم تثمر في الشتاء';

async function signIn(page: Page, lang: 'ar' | 'en', email: string, password: string) {
  await page.goto(`/${lang}/sign-in`);
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(password);
  await page.locator('form.form button[type=submit]').click();
}

async function registerVerified(page: Page, email: string, name: string) {
  await page.goto('/ar/register');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-display_name').fill(name);
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('#field-accept_terms').check();
  await page.locator('form.form button[type=submit]').click();
  const [mail] = await waitForMail(email);
  await page.goto(mail.text.match(/https?:\/\/\S+/)![0]);
  await expect(page.locator('.notice--ok')).toBeVisible();
}

async function signOut(page: Page) {
  await page.locator('.account-nav form button').click();
  await expect(page.locator('.account-nav a[href*="/sign-in"]')).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('a citizen is refused the admin pages, in their language, and nothing changes', async ({ page, request }, testInfo) => {
  const email = uniqueEmail('citizen');
  await registerVerified(page, email, 'مواطن فضولي');
  await signIn(page, 'ar', email, PASSWORD);
  await expect(page).toHaveURL(/\/ar\/account$/);

  // No role: no link to the queue or the administration in the header.
  await expect(page.locator('.account-nav a[href$="/moderation"], .account-nav a[href$="/admin"]')).toHaveCount(0);
  const res = await page.goto('/ar/admin');
  expect(res?.status()).toBe(403);
  await expect(page.locator('.denied')).toContainText('ليست لديك صلاحية');
  await expect(page.locator('form')).toHaveCount(1); // only the header's sign-out form
  await screenshot(page, testInfo, 'admin-denied-ar');

  const en = await page.goto('/en/admin/audit');
  expect(en?.status()).toBe(403);
  await expect(page.locator('.denied')).toContainText('not authorised');

  // Signed out, the same page asks to sign in (401).
  const anonymous = await request.get('/en/admin');
  expect(anonymous.status()).toBe(401);
});

test('staff sign in with TOTP: set-up, recovery codes, agency, mandate, audit log', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  // The admin has no second factor yet: the admin page says to set it up.
  await signIn(page, 'en', ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/en\/account$/);
  let res = await page.goto('/en/admin');
  expect(res?.status()).toBe(403);
  await expect(page.locator('.denied')).toContainText('two-factor');
  await page.locator('.denied a').click();
  await expect(page).toHaveURL(/\/en\/account\/two-factor$/);
  await expect(page.locator('.qr svg')).toBeVisible();
  await screenshot(page, testInfo, 'two-factor-setup-en');
  const secret = (await page.locator('code.secret').textContent())!.trim();

  await page.locator('#field-code').fill('000000');
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('#field-code-error')).toContainText('not right');
  await page.locator('#field-code').fill(totpCode(secret));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account\/recovery-codes$/);
  const codes = await page.locator('.recovery-codes code').allTextContents();
  expect(codes).toHaveLength(10);
  await screenshot(page, testInfo, 'recovery-codes-en');
  // Shown once.
  await page.reload();
  await expect(page.locator('.recovery-codes')).toHaveCount(0);

  // Now the admin page works: create an agency.
  res = await page.goto('/ar/admin');
  expect(res?.status()).toBe(200);
  const slug = `agency-${Date.now()}`;
  const agencyForm = page.locator('form:has(input[name=intent][value=agency])');
  await agencyForm.locator('#field-name_ar').fill('أمانة منطقة الرياض');
  await agencyForm.locator('#field-name_en').fill('Riyadh Region Municipality');
  await agencyForm.locator('#field-slug').fill('Not a slug!');
  await agencyForm.locator('button[type=submit]').click();
  await expect(page.locator('#field-slug-error')).toContainText('لاتيني');
  await expect(page.locator('#field-name_ar')).toHaveValue('أمانة منطقة الرياض');
  await page.locator('#field-slug').fill(slug);
  await page.locator('form:has(input[name=intent][value=agency]) button[type=submit]').click();
  // Each action is confirmed on the page it came from.
  await expect(page).toHaveURL(/\/ar\/admin\?done=agency$/);
  await expect(page.locator('.notice--ok')).toContainText('أُنشئت الجهة');
  await expect(page.getByRole('link', { name: 'أمانة منطقة الرياض' })).toBeVisible();

  // Appoint a registered person as the agency's admin.
  const agencyAdmin = uniqueEmail('agency-admin');
  await signOut(page);
  await registerVerified(page, agencyAdmin, 'نورة القحطاني');
  await signIn(page, 'ar', ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect(page).toHaveURL(/\/ar\/sign-in\/code$/);
  await screenshot(page, testInfo, 'sign-in-code-ar');
  await page.locator('#field-code').fill(codes[0]); // a recovery code works once
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/account$/);
  await page.goto('/ar/admin');
  const appoint = page.locator('form:has(input[name=intent][value=appoint])');
  await appoint.locator('#field-email').fill(agencyAdmin);
  await appoint.locator('#field-role').selectOption('agency_admin');
  await appoint.locator('#field-agency').selectOption(slug);
  await appoint.locator('button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/admin\?done=appoint$/);
  await expect(page.locator('table.table')).toContainText('نورة القحطاني');
  await screenshot(page, testInfo, 'admin-ar');

  // The audit log shows both actions, with who did them.
  await page.goto('/en/admin/audit');
  await expect(page.locator('table.audit')).toContainText('agency.create');
  await expect(page.locator('table.audit')).toContainText('role.grant');
  await expect(page.locator('table.audit')).toContainText('مدير المنصة');
  await screenshot(page, testInfo, 'audit-en');
  await signOut(page);

  // The used recovery code is refused the second time; the next TOTP code works.
  await signIn(page, 'en', ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.locator('#field-code').fill(codes[0]);
  await page.locator('form.form button[type=submit]').click();
  await expect(page.locator('#field-code-error')).toBeVisible();
  await page.locator('#field-code').fill(totpCode(secret, Date.now() + 30_000));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account$/);
  await signOut(page);

  // The agency admin must set up two-factor too, then records a staff mandate.
  const staff = uniqueEmail('staff');
  await registerVerified(page, staff, 'سلمان العتيبي');
  await signIn(page, 'ar', agencyAdmin, PASSWORD);
  res = await page.goto(`/ar/agencies/${slug}/staff`);
  expect(res?.status()).toBe(403);
  await page.goto('/ar/account/two-factor');
  const adminSecret = (await page.locator('code.secret').textContent())!.trim();
  await page.locator('#field-code').fill(totpCode(adminSecret));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/ar\/account\/recovery-codes$/);
  await page.goto(`/ar/agencies/${slug}/staff`);
  const authorise = page.locator('form:has(input[name=intent][value=appoint])');
  await authorise.locator('#field-email').fill(staff);
  await authorise.locator('#field-decision_ref').fill('قرار إداري رقم ٤٥/١٤٤٨');
  await authorise.locator('#field-decided_on').fill('2026-03-15');
  await authorise.locator('#field-scope').fill('الرد على مشاركات الجمهور في استشارات الأمانة');
  await authorise.locator('button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/ar/agencies/${slug}/staff\\?done=appoint$`));

  // The mandate is public, next to the staff member's name.
  await signOut(page);
  await page.goto(`/ar/agencies/${slug}`);
  await expect(page.locator('.staff-list')).toContainText('سلمان العتيبي');
  await expect(page.locator('.staff-list .mandate')).toContainText('قرار إداري رقم ٤٥/١٤٤٨');
  await screenshot(page, testInfo, 'agency-public-ar');
  await page.goto(`/en/agencies/${slug}`);
  await expect(page.locator('.staff-list .mandate')).toContainText('Scope:');
  await screenshot(page, testInfo, 'agency-public-en');
});
