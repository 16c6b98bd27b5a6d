/**
 * The whole system (web + worker, real PostgreSQL and Redis) driven through the console
 * page in Chromium, the way a person would: by clicking and typing, in Japanese.
 * Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOuen } from '../../cli/start-ouen.ts';
import { ANSWER_MS, chatActions, openConsoleBrowser, saveScreenshot, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';
import type { TestDatabase } from '../support/database.ts';
import { validateLineRequest, validateLineWebhook } from '../support/line-spec.ts';
import { minimalPdf } from './minimal-pdf.ts';

/** The default program's contest takes applications from 2026-06-01 to 2027-03-31; time runs on from inside that window. */
const OFFSET_MS = Date.parse('2026-11-28T10:00:00+09:00') - Date.now();
const clock = () => new Date(Date.now() + OFFSET_MS);

describe('console (browser)', () => {
  let system: ConsoleSystem;
  let db: TestDatabase;
  let ouen: RunningOuen;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const step = (action: () => Promise<unknown>, expected: string | RegExp) => chatActions(page).step(action, expected);
  const tapQuickReply = (label: string) => chatActions(page).tapQuickReply(label);
  const type = (text: string) => chatActions(page).type(text);

  beforeAll(async () => {
    system = await startConsoleSystem(clock);
    ({ db, ouen } = system);
    ({ browser, page, pageErrors } = await openConsoleBrowser({ onlyOrigin: ouen.url }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  it('completes a whole contest application by clicking and typing in Japanese', async () => {
    await page.goto(`${ouen.url}/console`);
    await expect.poll(() => page.getByTestId('empty-state').isVisible()).toBe(true);

    await page.getByTestId('add-user-name').fill('千葉 花子');
    await page.getByTestId('add-user-language').selectOption('ja');
    await step(() => page.getByTestId('add-user-submit').click(), 'はじめまして');
    await expect.poll(() => page.getByTestId('quick-reply').allInnerTexts()).toContain('応募する');
    await saveScreenshot(page, 'console-1-greeting');

    await step(() => tapQuickReply('応募する'), '内容に同意いただけますか');
    await step(() => tapQuickReply('同意する'), '千葉県内に事業の拠点はありますか');
    await step(() => tapQuickReply('すでにある'), '市町村名を教えてください');
    await step(() => type('船橋市'), '創業の状況を教えてください');
    await step(() => tapQuickReply('法人を設立した'), '設立日');

    await tapQuickReply('日付を選ぶ');
    const dateInput = page.getByTestId('date-input');
    await expect.poll(() => page.getByTestId('date-dialog').isVisible()).toBe(true);
    expect(await dateInput.getAttribute('max')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // A date after the picker's max is refused in the dialog, in plain words (no stray spaces).
    await dateInput.fill('2999-01-01');
    await page.getByTestId('date-submit').click();
    expect(await page.getByTestId('date-error').innerText()).toBe(`${await dateInput.getAttribute('max')}以前の日付を選んでください / out of range`);
    await dateInput.fill('2024-04-01');
    await saveScreenshot(page, 'console-2-date-picker');
    await step(() => page.getByTestId('date-submit').click(), 'お名前（フルネーム）');
    await expect.poll(() => page.getByTestId('user-pick').allInnerTexts()).toContain('📅 2024年4月1日');

    await step(() => type('千葉 花子'), 'ふりがな');
    await step(() => type('ちば はなこ'), 'メールアドレス');
    await step(() => type('hanako@example.jp'), '電話番号');
    await step(() => type('090-1234-5678'), '年代');
    await step(() => tapQuickReply('30代'), 'ご職業');
    await step(() => tapQuickReply('会社員'), '事業者名');
    await step(() => type('はなこ農園'), 'タイトル');
    await step(() => type('落花生で地域を元気にするプラン'), '分野');
    await step(() => tapQuickReply('食・農林水産'), '概要');
    await step(() => type('船橋の落花生を使った加工品を開発し、\n地元の直売所とネットで販売します。'), '課題');
    await step(() => type('耕作放棄地の増加と、農家の後継者不足を解決します。'), 'PDF');
    await saveScreenshot(page, 'console-3-mid-flow');

    await step(() => page.getByTestId('file-input').setInputFiles({ name: '事業計画書.pdf', mimeType: 'application/pdf', buffer: minimalPdf() }), '受講しましたか');
    await expect.poll(() => page.getByTestId('user-file').allInnerTexts()).toEqual([expect.stringContaining('事業計画書.pdf')]);
    await step(() => tapQuickReply('受講した'), '何で知りましたか');
    await step(() => tapQuickReply('ウェブサイト'), '応募内容の確認');

    const card = page.getByTestId('flex-bubble').last();
    await expect.poll(() => card.innerText()).toContain('船橋市');
    await card.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'console-4-confirmation');

    await step(() => card.locator('[data-testid="flex-button"][data-label="応募する"]').click(), /受付番号：BC2026-\d{4}/);
    await saveScreenshot(page, 'console-5-submitted');
    expect(await db.prisma.application.count({ where: { status: 'submitted' } })).toBe(1);
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('shows the application in the staff panel: everything to staff, the plan without the person to a judge', async () => {
    const receipt = (await db.prisma.application.findFirstOrThrow({ where: { status: 'submitted' } })).receiptNumber!;
    await page.getByTestId('staff-panel').locator('summary').click();
    await page.getByTestId('staff-stats').click();
    await expect.poll(() => page.getByTestId('staff-fields').innerText()).toContain('提出済み 1');
    await page.getByTestId('staff-close').click();

    await page.getByTestId('staff-receipt').fill(receipt);
    await page.getByTestId('staff-show').click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe(`応募 ${receipt}`);
    const staffView = await page.getByTestId('staff-fields').innerText();
    expect(staffView).toContain('千葉 花子');
    expect(staffView).toContain('落花生で地域を元気にするプラン');
    await saveScreenshot(page, 'console-6-staff-panel');
    await page.getByTestId('staff-close').click();

    await page.getByTestId('staff-role').selectOption('judge');
    await page.getByTestId('staff-show').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('個人情報は、この権限では表示されません');
    const judgeView = await page.getByTestId('staff-fields').innerText();
    expect(judgeView).toContain('落花生で地域を元気にするプラン');
    for (const personal of ['千葉 花子', 'hanako@example.jp', '090', 'はなこ農園']) expect(judgeView).not.toContain(personal);
    await page.getByTestId('staff-close').click();

    await page.getByTestId('staff-role').selectOption('viewer');
    await page.getByTestId('staff-show').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText())
      .toBe('この操作（応募内容・事業計画書の閲覧）は管理者・スタッフ・審査員・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    await page.getByTestId('staff-close').click();
    expect(await db.prisma.auditLog.count({ where: { action: 'application.viewed' } })).toBe(2);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('hands a participant to staff and lets the staff panel answer and close, with buttons and a form as in Discord', async () => {
    await type('スタッフと話したい');
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS }).toContain('スタッフにおつなぎしました');
    await type('締切は延びますか？');

    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-inbox').click();
    const said = () => page.getByTestId('staff-card').getByTestId('staff-conversation-line').allTextContents();
    await expect.poll(said, { timeout: ANSWER_MS }).toContain('参加者締切は延びますか？');
    expect(await said()).toContain('参加者スタッフと話したい');
    await page.getByTestId('staff-button').filter({ hasText: '返信する' }).click();
    await page.getByTestId('staff-input-text').fill('締切は 3 月 31 日のままです。');
    await saveScreenshot(page, 'console-7-staff-answer');
    await page.getByTestId('staff-modal-submit').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('LINE で送信しました。');
    await page.getByTestId('staff-close').click();
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS })
      .toContain('締切は 3 月 31 日のままです。\n\n— staff（ちば起業家応援事業 事務局）');

    await page.getByTestId('staff-inbox').click();
    await page.getByTestId('staff-button').filter({ hasText: '対応を終える' }).click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('相談を終了しました');
    await page.getByTestId('staff-close').click();
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS }).toContain('スタッフとのやりとりを終了しました');

    // Commands as written in Discord; judging waits for the application deadline.
    await page.getByTestId('staff-line').fill('/round open document');
    await page.getByTestId('staff-run').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('応募締切の前には書類審査を開始できません。');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('unsends a message, and blocks and unblocks the account', async () => {
    await page.getByTestId('add-user-name').fill('Taro');
    await page.getByTestId('add-user-language').selectOption('en');
    await page.getByTestId('add-user-submit').click();
    await expect.poll(() => page.getByTestId('chat-user').innerText()).toContain('Taro');
    await expect.poll(() => page.getByTestId('bot-message').allInnerTexts(), { timeout: ANSWER_MS }).toContainEqual(expect.stringContaining('Hello'));
    expect(await page.getByTestId('user-item').count()).toBe(2);
    const userId = ouen.fakeLine!.users().find((user) => user.displayName === 'Taro')!.userId;

    ouen.fakeLine!.startLoading(userId, 5);
    await expect.poll(() => page.getByTestId('loading-indicator').isVisible()).toBe(true);
    await type('hello');
    await expect.poll(() => page.getByTestId('loading-indicator').isVisible(), { timeout: ANSWER_MS }).toBe(false);
    await page.getByTestId('user-text').filter({ hasText: 'hello' }).hover();
    await page.getByTestId('unsend-button').last().click();
    await expect.poll(() => page.getByTestId('system-note').last().innerText()).toContain('送信を取り消しました');
    await expect.poll(() => page.getByTestId('user-text').filter({ hasText: 'hello' }).count()).toBe(0);

    await page.getByTestId('block-toggle').click();
    await expect.poll(() => page.getByTestId('blocked-banner').isVisible()).toBe(true);
    expect(await page.getByTestId('message-input').isDisabled()).toBe(true);
    await step(() => page.getByTestId('unblock-button').click(), /./);
    expect(await page.getByTestId('message-input').isDisabled()).toBe(false);

    const types = ouen.fakeLine!.webhooks.flatMap((w) => (w.body as { events: Array<{ type: string; source: { userId: string } }> }).events)
      .filter((event) => event.source.userId === userId).map((event) => event.type);
    expect(types).toEqual(['follow', 'message', 'unsend', 'unfollow', 'follow']);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows the person\'s rich menu under the chat, a tap sends its word, and the menu follows the stage', async () => {
    const fake = ouen.fakeLine!;
    // Taro (the last test's user) is a new friend: LINE's default, the new-friend menu, published by ouen at start.
    await expect.poll(() => page.getByTestId('rich-menu-area').count(), { timeout: 30_000 }).toBe(4);
    expect(await page.getByTestId('rich-menu-image').isVisible()).toBe(true);
    await page.locator('[data-testid="rich-menu-area"][data-text="ヘルプ"]').click();
    await expect.poll(() => page.getByTestId('user-text').allInnerTexts()).toContainEqual('ヘルプ');
    // The first test's applicant is linked to the applicant menu by the worker.
    const applicant = fake.users().find((user) => user.displayName !== 'Taro')!;
    await expect.poll(() => fake.richMenus.shownTo(applicant.userId)?.name ?? '', { timeout: 30_000 }).toMatch(/^ouen:applicant:/);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('sent LINE only requests that validate against the Messaging API spec, and got only spec-valid webhooks', () => {
    const fake = ouen.fakeLine!;
    expect(fake.requests.length).toBeGreaterThan(20);
    const problems = fake.requests.flatMap((request) => {
      const result = validateLineRequest(request.method, request.path, request.body);
      return result.ok ? [] : [`${request.method} ${request.path}: ${result.errors.join('; ')}`];
    });
    expect(problems).toEqual([]);
    expect(fake.requests.filter((request) => request.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);

    expect(fake.webhooks.length).toBeGreaterThan(20);
    for (const webhook of fake.webhooks) {
      expect(validateLineWebhook(webhook.body)).toEqual({ ok: true });
      expect(webhook.status).toBe(200);
    }
  });

  /** Does something and waits for a new bot message matching `expected`. */
});
