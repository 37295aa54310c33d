import { test, expect } from './guard';
import { citizen, screenshot, screenshotOf, waitForHydration, waitForMailAbout } from './helpers';

const GUIDELINE = '/consultations/e-participation-guideline';

for (const js of [true, false]) {
  test(`a citizen comments on clause 3, another replies and supports it; sorting works (${js ? 'with' : 'without'} JavaScript)`, async ({ browser }, testInfo) => {
    test.setTimeout(60_000);
    const marker = Date.now().toString(36);
    const amal = await citizen(browser, `أمل ${marker}`, js);
    const john = await citizen(browser, `John ${marker}`, js);

    // Amal, in Arabic, follows the link under clause 3.
    await amal.goto(`/ar${GUIDELINE}`);
    if (js) await waitForHydration(amal);
    const clause3 = amal.locator('.clause--clause').filter({ has: amal.locator('.clause__number', { hasText: /^3$/ }) });
    await clause3.locator('.clause__comments a').click();
    await expect(amal).toHaveURL(/\?clause=.+#contribute$/);
    const key = new URL(amal.url()).searchParams.get('clause')!;
    await expect(amal.locator('#field-clause')).toHaveValue(key);
    const text = `أقترح أن تنشر الجهة المسودة قبل ثلاثين يومًا على الأقل (${marker}).`;
    await amal.locator('#field-body').fill(text);
    if (js) await expect(amal.locator('#field-body-counter')).toContainText(`${[...text].length} من 5000`);
    await amal.locator('.contribute-form button[type=submit]').click();
    await expect(amal).toHaveURL(/#contribution-\d+$/);
    const id = new URL(amal.url()).hash.slice(1);
    const mine = amal.locator(`#${id}`);
    await expect(mine.locator('.contribution__body')).toContainText(text);
    await expect(mine.locator('.contribution__clause')).toContainText('البند 3');
    await expect(mine.locator('.contribution__body p')).toHaveAttribute('dir', 'auto');
    await screenshot(amal, testInfo, `contribution-ar${js ? '' : '-nojs'}`);

    // John, in English, reads it, replies and supports it.
    await john.goto(`/en${GUIDELINE}#${id}`);
    const theirs = john.locator(`#${id}`);
    await expect(theirs).toContainText(text);
    await theirs.locator('.contribution__reply summary').click();
    await theirs.locator('.contribution__reply textarea').fill(`Agreed: thirty days is the OECD practice. ${marker}`);
    await theirs.locator('.contribution__reply button[type=submit]').click();
    await expect(john).toHaveURL(/#contribution-\d+$/);
    const reply = john.locator(new URL(john.url()).hash);
    await expect(reply).toHaveAttribute('data-depth', '1');
    await expect(reply).toContainText(`Agreed: thirty days`);
    // Amal hears of it by mail and follows the link to the reply.
    const replyAnchor = new URL(john.url()).hash;
    const notice = await waitForMailAbout(amal.citizenEmail, 'New reply to your contribution');
    const link = notice.text.match(/https?:\/\/\S+#contribution-\d+/)![0];
    expect(link.endsWith(replyAnchor)).toBe(true);
    await amal.goto(link);
    await expect(amal.locator(replyAnchor)).toContainText('Agreed: thirty days');
    if (js) {
      // The mail's unsubscribe link: a page with one button, in either language.
      const stop = notice.text.match(/https?:\/\/\S+\/en\/unsubscribe\/[0-9a-f]{64}/)![0];
      await amal.goto(stop.replace('/en/', '/ar/'));
      await screenshot(amal, testInfo, 'unsubscribe-ar');
      await amal.goto(stop);
      await screenshot(amal, testInfo, 'unsubscribe-en');
      await amal.getByRole('button', { name: 'Stop notification emails' }).click();
      await expect(amal.locator('.notice--ok')).toContainText('Notification emails are off');
      await screenshot(amal, testInfo, 'unsubscribed-en');
    }
    await john.locator(`#${id} button.support`).click();
    await expect(john.locator(`#${id} button.support`)).toHaveAttribute('aria-pressed', 'true');
    await expect(john.locator(`#${id} .support__count`)).toHaveText('1');
    await screenshot(john, testInfo, `contribution-en${js ? '' : '-nojs'}`);

    // The table of contents counts the thread; sorting puts it first by support.
    // (Both runs of this test comment on clause 3: at least this thread's two.)
    const counted = await john.locator(`.toc a[href="#clause-${key}"] + .toc__count`).textContent();
    expect(Number(counted!.match(/\d+/)![0])).toBeGreaterThanOrEqual(2);
    await john.goto(`/en${GUIDELINE}?sort=supported#contributions`);
    await expect(john.locator('.threads > .contribution').first()).toHaveAttribute('id', id);
    await john.goto(`/en${GUIDELINE}?sort=oldest#contributions`);
    await expect(john.locator('.sort a[aria-current=true]')).toHaveText('Oldest');
    await amal.context().close();
    await john.context().close();
  });
}

for (const js of [false, true]) {
  test(`a refused comment or reply lands on its form with the summary focused${js ? '' : ' (no JavaScript)'}`, async ({ browser }, testInfo) => {
    const page = await citizen(browser, `Focus ${js}`, js);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`/ar${GUIDELINE}#contribute`);
    // Too short to publish (the browser would not send an empty required field).
    await page.locator('#field-body').fill('؟');
    await page.locator('.contribute-form button[type=submit]').click();
    const summary = page.locator('#form-summary');
    await expect(summary).toBeFocused();
    await expect(summary).toBeInViewport();
    await expect(page.locator('#field-body')).toHaveValue('؟');
    await screenshot(page, testInfo, `refused-comment-ar-360${js ? '' : '-nojs'}`, false);
    // A long pasted text is not cut: it is counted, refused with its length, and kept.
    const long = 'Lorem ipsum dolor sit amet. '.repeat(190).trim();
    await page.locator('#field-body').fill(long);
    await expect(page.locator('#field-body')).toHaveValue(long);
    if (js) await expect(page.locator('#field-body-counter.counter--over')).toBeVisible();
    await page.locator('.contribute-form button[type=submit]').click();
    await expect(page.locator('#form-summary')).toBeFocused();
    await expect(page.locator('#field-body-error')).toContainText(String(long.length));
    await expect(page.locator('#field-body')).toHaveValue(long);
    // A reply deep in the page comes back open, in view, its summary focused.
    await page.goto(`/en${GUIDELINE}?sort=oldest#contributions`);
    const first = page.locator('.threads > .contribution').first();
    await first.locator('.contribution__reply summary').click();
    await first.locator('.contribution__reply textarea').fill('?');
    await first.locator('.contribution__reply button[type=submit]').click();
    await expect(page.locator('#form-summary')).toBeFocused();
    await expect(page.locator('#form-summary')).toBeInViewport();
    await expect(page.locator('.contribution__reply[open] textarea')).toHaveValue('?');
    await page.context().close();
  });
}

test('a contribution outside the comment period is refused with a clear message, and the text is kept', async ({ browser }) => {
  const page = await citizen(browser, 'سالم', false);
  // A closed consultation shows no form at all.
  await page.goto('/ar/consultations/street-vendors-regulation');
  await expect(page.locator('.contribute .notice')).toContainText('لا تستقبل هذه الاستشارة مشاركات الآن');
  await expect(page.locator('.contribute-form')).toHaveCount(0);
  // A form opened before the period ended is answered with the reason, text kept.
  const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
  const res = await page.request.post('/en/consultations/street-vendors-regulation', {
    form: { csrf: csrf!, intent: 'contribute', body: 'A late remark about vendors.' },
  });
  expect(res.status()).toBe(422);
  const html = await res.text();
  expect(html).toContain('The comment period is not open');
  expect(html).toContain('A late remark about vendors.');
  await page.context().close();
});

test('an author corrects a contribution within 15 minutes and can withdraw it', async ({ browser }, testInfo) => {
  const page = await citizen(browser, 'Mona', true);
  await page.goto(`/en${GUIDELINE}#contribute`);
  await page.locator('#field-body').fill('Teh agency should answer within 30 days.');
  await page.locator('.contribute-form button[type=submit]').click();
  const id = new URL(page.url()).hash;
  const item = page.locator(id);
  await item.locator('.contribution__edit summary').click();
  await item.locator('.contribution__edit textarea').fill('The agency should answer within 30 days.');
  await item.locator('.contribution__edit button[type=submit]').click();
  await expect(item.locator('.contribution__body')).toHaveText('The agency should answer within 30 days.');
  await item.locator('.contribution__history summary').click();
  await expect(item.locator('.contribution__history')).toContainText('Teh agency');
  await screenshot(page, testInfo, 'contribution-edited-en');
  // Withdrawing asks first: it cannot be undone.
  await item.locator('.contribution__withdraw summary').click();
  await expect(item.locator('.contribution__withdraw')).toContainText('cannot be undone');
  await item.getByRole('button', { name: 'Withdraw my contribution' }).click();
  await expect(page.locator(id).locator('.placeholder')).toContainText('withdrawn by its author');
  await expect(page.locator(id)).not.toContainText('30 days');
  await page.context().close();
});

test('new contributions and replies appear on an open page without reload; a reply being written is kept', async ({ browser }, testInfo) => {
  test.setTimeout(120_000);
  const marker = Date.now().toString(36);
  const reader = await citizen(browser, `قارئ ${marker}`, true);
  const writer = await citizen(browser, `Writer ${marker}`, false);
  const errors: string[] = [];
  reader.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await reader.goto(`/ar${GUIDELINE}?sort=newest#contributions`);
  await waitForHydration(reader);
  await reader.locator('#contributions .contribute-form').waitFor();
  expect(errors, 'the page hydrates without errors').toEqual([]);
  // Anything set on the window is lost by a reload.
  await reader.evaluate(() => { (window as unknown as { kept: boolean }).kept = true; });
  const kept = () => reader.evaluate(() => (window as unknown as { kept?: boolean }).kept === true);

  const text = `مشاركة جديدة تظهر دون إعادة تحميل (${marker})`;
  await writer.goto(`/en${GUIDELINE}`);
  await writer.locator('#field-body').fill(text);
  await writer.locator('.contribute-form button[type=submit]').click();
  await expect(writer).toHaveURL(/#contribution-\d+$/);
  const id = new URL(writer.url()).hash;
  await expect(reader.locator(id)).toContainText(text, { timeout: 30_000 });
  await expect(reader.locator('[role=status]', { hasText: 'وصلت مشاركات جديدة' })).toBeAttached();
  expect(await kept()).toBe(true);

  // The reader starts a reply: the next news waits behind a button, the text stays.
  await reader.locator(`${id} .contribution__reply summary`).first().click();
  const draft = reader.locator(`${id} .contribution__reply textarea`).first();
  await draft.fill('ردّ قيد الكتابة');
  await writer.locator(`${id} .contribution__reply summary`).first().click();
  await writer.locator(`${id} .contribution__reply textarea`).first().fill(`A follow-up (${marker})`);
  await writer.locator(`${id} .contribution__reply button[type=submit]`).first().click();
  await expect(writer).toHaveURL(/#contribution-\d+$/);
  const show = reader.locator('.live-new button');
  await expect(show).toBeVisible({ timeout: 30_000 });
  await expect(draft).toHaveValue('ردّ قيد الكتابة');
  await expect(reader.locator('.threads')).not.toContainText(`A follow-up (${marker})`);
  await screenshotOf(reader.locator('#contributions'), testInfo, 'live-new-ar');
  await show.click();
  await expect(reader.locator('.threads')).toContainText(`A follow-up (${marker})`);
  await expect(show).toHaveCount(0);
  expect(await kept()).toBe(true);
});

test('contributions received at a workshop, by email and by letter say where they came from, and show the agency\'s response', async ({ page }, testInfo) => {
  for (const lang of ['ar', 'en'] as const) {
    await page.goto(`/${lang}/consultations/street-vendors-regulation?sort=oldest#contributions`);
    const contributions = page.locator('#contributions');
    await expect(contributions.locator('.contribution__channel[data-channel=workshop]')).toHaveCount(2);
    await expect(contributions.locator('.contribution__channel[data-channel=letter]')).toHaveText(lang === 'ar' ? 'وصلت بخطاب' : 'Received by letter');
    await expect(contributions.locator('.contribution__channel[data-channel=email]')).toHaveCount(1);
    // The reply said at the workshop sits under what it answers.
    await expect(contributions.locator('.contribution[data-depth="1"]')).toContainText('مراقب من البلدية');
    // Every one has the agency's response; two of them changed the regulation.
    await expect(contributions.locator('.response')).toHaveCount(4);
    await expect(contributions.locator('.response[data-changed=true]')).toHaveCount(2);
    const letter = contributions.locator('.contribution', { has: page.locator('[data-channel=letter]') });
    await expect(letter.locator('.response__outcome')).toHaveText(lang === 'ar' ? 'مقبولة' : 'Accepted');
    const change = letter.locator('.response__change a');
    // It leads to that clause in the comparison of the versions, which names it back.
    await expect(change).toHaveAttribute('href', `/${lang}/consultations/street-vendors-regulation/diff?from=1&to=2#diff-locations`);
    await screenshotOf(contributions, testInfo, `offline-contributions-${lang}`);
    await change.click();
    await expect(page.locator('#diff-locations')).toContainText(lang === 'ar' ? 'خمسين' : 'fifty');
    await expect(page.locator('#diff-locations .diff-row__because a')).not.toHaveCount(0);
  }
});

test('what people write carries its language, so screen readers use the right voice', async ({ page }) => {
  // The demo's vendor regulation has contributions in both languages.
  await page.goto('/en/consultations/street-vendors-regulation#contributions');
  const arabic = page.locator('.contribution__body p[lang=ar]').first();
  await expect(arabic).toBeVisible();
  expect(await arabic.textContent()).toMatch(/[\u0600-\u06FF]/);
  await page.goto('/ar/consultations/street-vendors-regulation#contributions');
  const english = page.locator('.contribution__body p[lang=en]').first();
  await expect(english).toBeVisible();
  expect(await english.textContent()).toMatch(/^[^\u0600-\u06FF]*$/);
});
