import { Browser, Locator, Page, TestInfo, expect } from '@playwright/test';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';

/** Saves a screenshot (the full page, or what the window shows when `fullPage` is
 * false) as a test artifact under test-results/screenshots/. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string, fullPage = true) {
  const file = path.join(__dirname, '..', 'test-results', 'screenshots', `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Saves a screenshot of one part of a page (`locator`) as a test artifact. */
export async function screenshotOf(locator: Locator, testInfo: TestInfo, name: string) {
  const file = path.join(__dirname, '..', 'test-results', 'screenshots', `${name}.png`);
  await locator.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** Resolves once the wasm bundle has hydrated the page (the menu button appears). */
export async function waitForHydration(page: Page) {
  await page.locator('.site-nav[data-collapsible="true"]').waitFor({ state: 'attached' });
}

export interface Mail { to: string; subject: string; text: string }

/** Messages the test SMTP server received for `address`, oldest first. */
export function mailTo(address: string): Mail[] {
  const maildir = process.env.SHURA_E2E_MAILDIR!;
  const python = process.env.SHURA_TEST_PYTHON ?? '/usr/bin/python3';
  let json = '[]';
  try {
    json = execFileSync(python, [path.join(__dirname, 'mail.py'), maildir], { encoding: 'utf8' });
  } catch {
    // No mail yet: the Maildir is created with the first message.
  }
  return (JSON.parse(json) as Mail[]).filter((m) => m.to.includes(address));
}

/** Waits for the mail worker (it runs every 2 s) to deliver a message to `address`. */
export async function waitForMail(address: string, count = 1): Promise<Mail[]> {
  for (let i = 0; i < 100; i++) {
    const mails = mailTo(address);
    if (mails.length >= count) return mails;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail for ${address}`);
}

/** Waits for a message to `address` whose subject contains `subject`: other mail may arrive first. */
export async function waitForMailAbout(address: string, subject: string): Promise<Mail> {
  for (let i = 0; i < 100; i++) {
    const mail = mailTo(address).find((m) => m.subject.includes(subject));
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 200));
  }
  const subjects = mailTo(address).map((m) => m.subject);
  throw new Error(`no mail about “${subject}” for ${address}; got: ${subjects.join(' | ')}`);
}

/** A unique address per test run, so reruns against one database never collide. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`;
}

/** The platform admin created by serve-test.sh. */
export const ADMIN_EMAIL = 'admin@shura.test';
export const ADMIN_PASSWORD = process.env.SHURA_E2E_ADMIN_PASSWORD ?? 'قلعة مصمك في قلب الرياض';

/** The TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 s) of a base32 `secret` at `when`. */
export function totpCode(secret: string, when = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

export const CITIZEN_PASSWORD = 'نخلة القصيم تثمر في الشتاء';

/** A new citizen, registered, verified by the mailed link and signed in, on a page of
 * its own (JavaScript on or off). Its address is on `page.citizenEmail`. */
export async function citizen(browser: Browser, name: string, js: boolean): Promise<Page & { citizenEmail: string }> {
  const context = await browser.newContext({ javaScriptEnabled: js });
  const page = await context.newPage();
  const email = uniqueEmail('citizen');
  await page.goto('/en/register');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-display_name').fill(name);
  await page.locator('#field-password').fill(CITIZEN_PASSWORD);
  await page.locator('#field-accept_terms').check();
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/register\/sent$/);
  const [mail] = await waitForMail(email);
  await page.goto(mail.text.match(/https?:\/\/\S+/)![0]);
  await page.goto('/en/sign-in');
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(CITIZEN_PASSWORD);
  await page.locator('form.form button[type=submit]').click();
  await expect(page).toHaveURL(/\/en\/account$/);
  return Object.assign(page, { citizenEmail: email });
}

/** A staff member of the test portal (created by serve-test.sh with `ADMIN_PASSWORD`):
 * signs in with a password and, once two-factor is on, a code for a later time step
 * each time (a code is good once). */
export class Staff {
  secret = '';
  private lastCodeAt = 0;

  constructor(readonly email: string) {}

  /** A code for a later time step than any used before, waiting for one if need be. */
  async nextCode(page: Page): Promise<string> {
    const at = Math.max(Date.now() + 30_000, this.lastCodeAt + 30_000);
    const early = at - (Date.now() + 30_000);
    if (early > 0) await page.waitForTimeout(early + 500);
    this.lastCodeAt = at;
    return totpCode(this.secret, at);
  }

  /** Signs in: with a code once two-factor is on. */
  async signIn(page: Page) {
    await page.goto('/en/sign-in');
    await page.locator('#field-email').fill(this.email);
    await page.locator('#field-password').fill(ADMIN_PASSWORD);
    await page.locator('form.form button[type=submit]').click();
    if (this.secret) {
      await page.locator('#field-code').fill(await this.nextCode(page));
      await page.locator('form.form button[type=submit]').click();
    }
    await expect(page).toHaveURL(/\/en\/account$/);
  }

  /** Turns two-factor on, takes `role` for `agency` (with a mandate when given) on the
   * administration page, and signs in again with it. */
  async appoint(page: Page, role: string, agency: string, mandate?: { ref: string; on: string; scope: string }) {
    await this.signIn(page);
    await page.goto('/en/account/two-factor');
    this.secret = (await page.locator('code.secret').textContent())!.trim();
    await page.locator('#field-code').fill(totpCode(this.secret));
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(/\/en\/account\/recovery-codes$/);
    this.lastCodeAt = Date.now();
    await page.goto('/en/admin');
    const form = page.locator('form:has(input[name=intent][value=appoint])');
    await form.locator('#field-email').fill(this.email);
    await form.locator('#field-role').selectOption(role);
    await form.locator('#field-agency').selectOption(agency);
    if (mandate) {
      await form.locator('#field-decision_ref').fill(mandate.ref);
      await form.locator('#field-decided_on').fill(mandate.on);
      await form.locator('#field-scope').fill(mandate.scope);
    }
    await form.locator('button[type=submit]').click();
    await this.signIn(page);
  }
}
