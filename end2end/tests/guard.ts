// The suite's `test`: Playwright's, with a guard that fails any test during which a page
// it opened threw an uncaught error or failed to hydrate. Every spec imports `test` from
// here, so every page of every journey is checked, in contexts the test makes itself
// (a second citizen, a signed-in moderator) as well as the default one.
import { test as base, expect, Browser, BrowserContext, Page } from '@playwright/test';

export { expect };
export type { Page };

// Console messages that mean the wasm app broke: a Rust panic (a hydration mismatch is
// one) prints through console_error_panic_hook before the `unreachable` trap.
const BROKEN = /panicked at|hydrat|RuntimeError|unreachable/i;

export const test = base.extend<{ pageErrorGuard: void }>({
  pageErrorGuard: [
    async ({ browser, context }, use) => {
      const errors: string[] = [];
      const watchPage = (page: Page) => {
        page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.name}: ${err.message}`));
        page.on('console', (msg) => {
          if ((msg.type() === 'error' || msg.type() === 'warning') && BROKEN.test(msg.text())) {
            errors.push(`${page.url()}: console.${msg.type()}: ${msg.text()}`);
          }
        });
      };
      const watchContext = (ctx: BrowserContext) => {
        ctx.pages().forEach(watchPage);
        ctx.on('page', watchPage);
      };
      watchContext(context);
      const b = browser as Browser;
      const newContext = b.newContext.bind(b);
      const newPage = b.newPage.bind(b);
      b.newContext = async (...args: Parameters<Browser['newContext']>) => {
        const ctx = await newContext(...args);
        watchContext(ctx);
        return ctx;
      };
      b.newPage = async (...args: Parameters<Browser['newPage']>) => {
        const page = await newPage(...args);
        watchPage(page);
        return page;
      };
      try {
        await use();
      } finally {
        b.newContext = newContext;
        b.newPage = newPage;
      }
      expect(errors, 'no page threw or failed to hydrate').toEqual([]);
    },
    { auto: true },
  ],
});
