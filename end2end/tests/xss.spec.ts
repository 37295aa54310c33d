import { test, expect } from './guard';
import { citizen, waitForHydration } from './helpers';
import { XSS_CORPUS } from './xss-corpus';

const CONSULTATION = '/en/consultations/open-data-licence';

test('attack strings posted as contributions stay inert text in Chromium', async ({ browser }) => {
  test.setTimeout(240_000);
  expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(50);
  // One account posts at most six in a row (the posting limit), so several post.
  const posters = [];
  for (let i = 0; i < Math.ceil(XSS_CORPUS.length / 6); i++) {
    posters.push(await citizen(browser, `Tester ${i}`, false));
  }
  for (const [i, payload] of XSS_CORPUS.entries()) {
    const poster = posters[Math.floor(i / 6)];
    if (i % 6 === 0) await poster.goto(CONSULTATION);
    const csrf = (await poster.locator('.contribute-form input[name=csrf]').getAttribute('value'))!;
    const res = await poster.request.post(CONSULTATION, {
      form: { csrf, intent: 'contribute', speaker: 'individual', body: `${payload} [${i}]` },
      maxRedirects: 0,
    });
    expect(res.status(), payload).toBe(303);
  }

  // A reader with JavaScript on: anything that ran would call __xss or open a dialog.
  const context = await browser.newContext();
  const page = await context.newPage();
  const ran: string[] = [];
  await page.exposeFunction('__xss', (n: unknown) => { ran.push(String(n)); });
  page.on('dialog', async (d) => { ran.push(`dialog: ${d.message()}`); await d.dismiss(); });
  let seen = 0;
  const shown: string[] = [];
  // Newest first: the demo's own contributions come after these.
  for (let n = 1; n <= 3; n++) {
    await page.goto(`${CONSULTATION}?sort=newest&cpage=${n}#contributions`);
    await waitForHydration(page);
    const bodies = page.locator('.contribution__body');
    seen += await bodies.count();
    shown.push(...(await bodies.allTextContents()));
    // Hover and focus every contribution, as a reader would.
    for (const body of await bodies.all()) {
      await body.hover();
    }
    await page.keyboard.press('Tab');
    const injected = await page.locator(
      '.contribution__body :is(script, img, svg, iframe, object, embed, input, form, video, audio, details, style, link, meta, base, math, template, marquee, xss)',
    ).count();
    expect(injected).toBe(0);
    const hrefs = await page.locator('.contribution__body a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
    const rels = await page.locator('.contribution__body a').evaluateAll((as) => as.map((a) => a.getAttribute('rel') ?? ''));
    for (const rel of rels) expect(rel).toContain('nofollow');
  }
  expect(seen).toBeGreaterThanOrEqual(XSS_CORPUS.length);
  // The text is shown as typed (without direction overrides).
  const texts = shown.join('\n');
  expect(texts).toContain('<script>__xss(1)</script>');
  expect(texts).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  await page.waitForTimeout(500);
  expect(ran).toEqual([]);
  await context.close();
  for (const p of posters) await p.context().close();
});
