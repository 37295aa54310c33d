import { test, expect } from './guard';
import { ADMIN_PASSWORD, citizen, screenshot, totpCode, waitForMailAbout } from './helpers';

// Created by serve-test.sh for these journeys only.
const MODERATION_ADMIN = 'moderation-admin@shura.test';
const GUIDELINE = '/consultations/e-participation-guideline';

test('a report, a moderator hides the contribution, the author appeals, the moderator restores it', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const marker = Date.now().toString(36);
  const author = await citizen(browser, `Hamad ${marker}`, false);
  const reader = await citizen(browser, `Noura ${marker}`, true);
  const text = `Employee Khalid of the authority is a thief (${marker}).`;

  // The author posts; a reader reports it under the defamation rule.
  await author.goto(`/en${GUIDELINE}#contribute`);
  await author.locator('#field-body').fill(text);
  await author.locator('.contribute-form button[type=submit]').click();
  const anchor = new URL(author.url()).hash;
  await reader.goto(`/en${GUIDELINE}${anchor}`);
  const item = reader.locator(anchor);
  await item.locator('.contribution__report summary').click();
  await item.locator('.contribution__report select').selectOption('defamation');
  await item.locator('.contribution__report textarea').fill('Accuses a named employee.');
  await item.locator('.contribution__report button[type=submit]').click();
  await expect(reader).toHaveURL(new RegExp(`${anchor}$`));
  // The report is confirmed next to the contribution; a second one says the first stands.
  await expect(reader.locator(`${anchor} .notice--ok[data-done=reported]`)).toContainText('reached the moderators');
  await reader.locator(`${anchor} .contribution__report summary`).click();
  await reader.locator(`${anchor} .contribution__report select`).selectOption('spam');
  await reader.locator(`${anchor} .contribution__report button[type=submit]`).click();
  await expect(reader.locator(`${anchor} .notice--ok[data-done=already_reported]`)).toContainText('already reported');

  // The moderator: two-factor, appointed moderator, signed in again with a code.
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(MODERATION_ADMIN);
  await page.locator('#field-password').fill(ADMIN_PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await page.goto('/en/account/two-factor');
  const secret = (await page.locator('code.secret').textContent())!.trim();
  await page.locator('#field-code').fill(totpCode(secret));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account\/recovery-codes$/);
  await page.goto('/en/admin');
  const appoint = page.locator('form:has(input[name=intent][value=appoint])');
  await appoint.locator('#field-email').fill(MODERATION_ADMIN);
  await appoint.locator('#field-role').selectOption('moderator');
  await appoint.locator('button[type=submit]').click();
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(MODERATION_ADMIN);
  await page.locator('#field-password').fill(ADMIN_PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await page.locator('#field-code').fill(totpCode(secret, Date.now() + 30_000));
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account$/);

  // The queue shows the text and the report; hiding needs a rule and a reason.
  // A moderator (here also an admin) finds both from the header.
  await expect(page.locator('.account-nav a[href="/en/admin"]')).toHaveText('Administration');
  await page.locator('.account-nav a[href="/en/moderation"]').click();
  await expect(page).toHaveURL(/\/en\/moderation$/);
  const entry = page.locator(`#queue-${anchor.replace('#contribution-', '')}`);
  await expect(entry).toContainText(text);
  await expect(entry.locator('.moderation__reports')).toContainText('Accuses a named employee.');
  await entry.locator('.moderation__hide button[type=submit]').click();
  await expect(page.locator(`#queue-${anchor.replace('#contribution-', '')} .field__error`).first()).toBeVisible();
  const again = page.locator(`#queue-${anchor.replace('#contribution-', '')}`);
  await again.locator('.moderation__hide select').selectOption('defamation');
  await again.locator('.moderation__hide textarea').fill('Accuses a named person without evidence.');
  await screenshot(page, testInfo, 'moderation-queue-en');
  await page.goto('/ar/moderation');
  await screenshot(page, testInfo, 'moderation-queue-ar');
  await page.goto('/en/moderation');
  const again2 = page.locator(`#queue-${anchor.replace('#contribution-', '')}`);
  await again2.locator('.moderation__hide select').selectOption('defamation');
  await again2.locator('.moderation__hide textarea').fill('Accuses a named person without evidence.');
  await again2.locator('.moderation__hide button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/moderation$/);

  // Everyone sees the placeholder; the log says what happened, never the text.
  for (const lang of ['ar', 'en'] as const) {
    await reader.goto(`/${lang}${GUIDELINE}${anchor}`);
    await expect(reader.locator(`${anchor} .placeholder`)).toBeVisible();
    await expect(reader.locator(anchor)).not.toContainText('is a thief');
    await reader.goto(`/${lang}${GUIDELINE}/moderation`);
    await expect(reader.locator('tr[data-action=hide]').first()).toContainText('Accuses a named person without evidence.');
    await expect(reader.locator('body')).not.toContainText(text);
    await screenshot(reader, testInfo, `moderation-log-${lang}`);
  }
  // The moderator can undo it without waiting for an appeal: from the queue's list of
  // hidden contributions, and from the public log (where only moderators see the button).
  const number = anchor.replace('#contribution-', '');
  await page.goto('/en/moderation');
  await expect(page.locator(`#hidden #queue-${number}`).getByRole('button', { name: 'Restore' })).toBeVisible();
  await page.goto(`/en${GUIDELINE}/moderation`);
  await expect(page.locator(`tr[data-action=hide]:has(a[href$="${anchor}"])`).getByRole('button', { name: 'Restore' })).toBeVisible();
  await expect(reader.locator('tr[data-action=hide] button')).toHaveCount(0);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`/ar${GUIDELINE}/moderation`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the log fits a phone in Arabic').toBeLessThanOrEqual(0);
  await screenshot(page, testInfo, 'moderation-log-ar-360');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The author is told of the hiding, with the rule it broke.
  const hidden = await waitForMailAbout(author.citizenEmail, 'was hidden');
  expect(hidden.text).toContain('Defamation or discrimination');

  // The author appeals once; the moderator restores it.
  await author.goto(`/en${GUIDELINE}${anchor}`);
  await author.locator(`${anchor} .contribution__appeal summary`).click();
  await author.locator(`${anchor} .contribution__appeal textarea`).fill('I quoted a court ruling; I will add the link.');
  await author.locator(`${anchor} .contribution__appeal button[type=submit]`).click();
  await expect(author.locator(`${anchor} .contribution__appeal`)).toHaveCount(0);
  await expect(author.locator(`${anchor} .notice--ok[data-done=appealed]`)).toContainText('Your appeal reached the moderators');
  await page.goto('/en/moderation');
  const appealed = page.locator(`#queue-${anchor.replace('#contribution-', '')}`);
  await expect(appealed.locator('.moderation__appeal')).toContainText('court ruling');
  await appealed.getByRole('button', { name: 'Restore' }).click();
  await reader.goto(`/en${GUIDELINE}${anchor}`);
  await expect(reader.locator(anchor)).toContainText(text);
  await waitForMailAbout(author.citizenEmail, 'shown again');
  await author.context().close();
  await reader.context().close();
});

test('the moderation rules are published in both languages', async ({ page }, testInfo) => {
  for (const lang of ['ar', 'en'] as const) {
    await page.goto(`/${lang}/moderation-rules`);
    await expect(page.locator('.rules__list dt')).toHaveCount(7);
    await screenshot(page, testInfo, `rules-${lang}`);
  }
  await expect(page.locator('#rule-religious_insult')).toHaveText('Insult to religious beliefs');
});
