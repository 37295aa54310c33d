import { Page, TestInfo } from '@playwright/test';
import * as path from 'path';
import { execFileSync } from 'child_process';

/** Saves a full-page screenshot as a test artifact under test-results/screenshots/. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = path.join(__dirname, '..', 'test-results', 'screenshots', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
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

/** A unique address per test run, so reruns against one database never collide. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.org`;
}
