/**
 * The console's staff panel in Chromium against the whole local system (web + worker,
 * real PostgreSQL and Redis), used by mouse and keyboard: the page stays within the
 * window, a judge's name only for the judge role, a command box that suggests what the
 * role may use, list rows that open, the plan document from the application, the inbox
 * as a conversation, undelivered messages with a retry, and scoring from a card that
 * shows the criteria and their weights. Needs Debian's chromium at /usr/bin/chromium.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOuen } from '../../cli/start-ouen.ts';
import { attachDocument } from '../../core/applications/document.service.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { ANSWER_MS, chatActions, openConsoleBrowser, saveScreenshot, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';
import type { TestDatabase } from '../support/database.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

/** Inside the application window first; the judging test moves past the deadline. */
let offsetMs = Date.parse('2026-11-28T10:00:00+09:00') - Date.now();
const clock = () => new Date(Date.now() + offsetMs);

describe('the console staff panel (browser)', () => {
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
    const first = await seedApplication(db.prisma, ouen.sealer, { receipt: 'BC2026-0001', status: 'submitted', answers: sampleAnswers('千葉 太郎', '船橋市', 'yes') });
    await seedApplication(db.prisma, ouen.sealer, { receipt: 'BC2026-0002', status: 'submitted', answers: sampleAnswers('市川 花子', '市川市', 'no') });
    await transactOn(db.sql)((tx) => attachDocument(tx, ouen.sealer, first, {
      sourceMessageId: '900000000000000001', fileName: 'plan.pdf', content: MINIMAL_PDF, sha256: createHash('sha256').update(MINIMAL_PDF).digest('hex'),
    }, 'test', clock()));
    ({ browser, page, pageErrors } = await openConsoleBrowser({ viewport: { width: 1280, height: 720 }, onlyOrigin: ouen.url }));
    await page.goto(`${ouen.url}/console`);
    await page.getByTestId('add-user-name').fill('千葉 花子');
    await page.getByTestId('add-user-submit').click();
    await page.getByTestId('bot-message').first().waitFor({ timeout: ANSWER_MS });
    await page.getByTestId('staff-panel').locator('summary').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  it('keeps the page within the window with the panel open, so the chat header never scrolls away', async () => {
    for (const size of [{ width: 1280, height: 720 }, { width: 1024, height: 600 }, { width: 390, height: 740 }]) {
      await page.setViewportSize(size);
      await page.getByTestId('staff-line').focus();
      await expect.poll(() => page.getByTestId('staff-suggestions').isVisible()).toBe(true);
      const layout = await page.evaluate(() => {
        const header = document.querySelector('.chat-header')!.getBoundingClientRect();
        window.scrollTo(0, document.scrollingElement!.scrollHeight);
        return {
          scrollHeight: document.scrollingElement!.scrollHeight, innerHeight: window.innerHeight, scrolled: window.scrollY,
          headerTop: header.top, headerBottom: header.bottom, headerAfterScroll: document.querySelector('.chat-header')!.getBoundingClientRect().top,
        };
      });
      expect(layout.scrollHeight, `${size.width}×${size.height}`).toBeLessThanOrEqual(layout.innerHeight);
      expect(layout.scrolled).toBe(0);
      expect(layout.headerTop).toBeGreaterThanOrEqual(0);
      expect(layout.headerBottom).toBeLessThanOrEqual(layout.innerHeight);
      expect(layout.headerAfterScroll).toBe(layout.headerTop);
      expect(await page.locator('.chat-header').isVisible()).toBe(true);
      await page.getByTestId('staff-line').blur();
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await saveScreenshot(page, 'staff-panel-1-layout');
  });

  it('offers judge names only for the judge role, and the server lets no other role act as a judge', async () => {
    const who = page.getByTestId('staff-as-field');
    await page.getByTestId('staff-role').selectOption('staff');
    expect(await who.isVisible()).toBe(false);
    await page.getByTestId('staff-role').selectOption('judge');
    expect(await who.isVisible()).toBe(true);
    expect(await page.getByTestId('staff-as').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)))
      .toEqual(['judge-a', 'judge-b', 'judge-c']);
    await page.getByTestId('staff-as').selectOption('judge-c');
    await page.getByTestId('staff-role').selectOption('approver');
    expect(await who.isVisible()).toBe(false);
    expect(await page.getByTestId('staff-as').inputValue()).toBe('');
    const refused = await page.evaluate(async () => {
      const response = await fetch('/console/api/staff', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'approver', as: 'judge-c', command: 'approvals' }) });
      return { status: response.status, body: await response.json() };
    });
    expect(refused).toEqual({ status: 400, body: { message: 'only the judge role acts as a judge of the roster' } });
    // Chromium logs the refused request it was asked to make; nothing else may have gone wrong.
    expect(pageErrors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    pageErrors.length = 0;
    await page.getByTestId('staff-approvals').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('承認待ちの公開依頼はありません。');
    await page.getByTestId('staff-close').click();
  });

  it('suggests the commands the role may use as one types, with their arguments, and /help lists them', async () => {
    const suggested = () => page.getByTestId('staff-suggestion').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.name));
    await page.getByTestId('staff-role').selectOption('viewer');
    await page.getByTestId('staff-line').fill('');
    await page.getByTestId('staff-line').focus();
    await expect.poll(suggested).toEqual(['help', 'stats', 'applications', 'deliveries', 'broadcast', 'broadcast']);
    await page.getByTestId('staff-role').selectOption('judge');
    await page.getByTestId('staff-line').fill('/sc');
    await expect.poll(suggested).toEqual(['score']);
    expect(await page.getByTestId('staff-suggestion').innerText()).toContain('/score <受付番号>\n評価項目と配点を確認して採点');
    await page.getByTestId('staff-line').press('ArrowDown');
    await page.getByTestId('staff-line').press('Tab');
    expect(await page.getByTestId('staff-line').inputValue()).toBe('/score ');
    await saveScreenshot(page, 'staff-panel-2-suggestions');

    await page.getByTestId('staff-line').fill('/help');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('使えるコマンド（審査員）');
    expect(await page.getByTestId('staff-text').innerText()).toContain('/score <受付番号>');
    expect(await page.getByTestId('staff-text').innerText()).not.toContain('/publish');
    await page.getByTestId('staff-close').click();
    await page.getByTestId('staff-line').fill('/frobnicate');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toMatch(/^コマンドを読み取れませんでした。\n\n\/help\n/);
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('opens an application by clicking its row, with the plan document once and a button to open it', async () => {
    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-applications').click();
    await expect.poll(() => page.getByTestId('staff-pick-item').count()).toBe(2);
    await page.getByTestId('staff-pick-item').filter({ hasText: 'BC2026-0001' }).click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('応募 BC2026-0001');
    const names = await page.getByTestId('staff-fields').locator('dt').allInnerTexts();
    expect(names.filter((n) => n === '事業計画書')).toHaveLength(1);
    expect(await page.getByTestId('staff-fields').innerText()).toContain('090-1234-5678');
    await page.getByTestId('staff-button').filter({ hasText: '事業計画書を開く' }).click();
    await expect.poll(() => page.getByTestId('staff-file').innerText()).toBe('BC2026-0001.pdf をダウンロード');
    await page.getByTestId('staff-close').click();
  });

  it('shows a handoff as a conversation, one message a line with who said it, and how far the draft got', async () => {
    await step(() => tapQuickReply('応募する'), '内容に同意いただけますか');
    await step(() => tapQuickReply('同意する'), '千葉県内に事業の拠点はありますか');
    await step(() => tapQuickReply('すでにある'), '市町村名を教えてください');
    await step(() => type('船橋市'), '創業の状況を教えてください');
    await step(() => type('スタッフと話したい'), 'スタッフにおつなぎしました');

    await page.getByTestId('staff-inbox').click();
    const lines = page.getByTestId('staff-card').getByTestId('staff-conversation-line');
    await expect.poll(() => lines.count(), { timeout: ANSWER_MS }).toBeGreaterThan(4);
    const speakers = await lines.locator('.speaker').allInnerTexts();
    expect(new Set(speakers)).toEqual(new Set(['参加者', 'ボット']));
    const said = await lines.locator('.said').allInnerTexts();
    expect(said.filter((_, i) => speakers[i] === '参加者')).toEqual(expect.arrayContaining(['船橋市', 'スタッフと話したい']));
    expect(said.every((text) => !text.includes('\n'))).toBe(true);
    const fields = await page.getByTestId('staff-card').locator('dd').allInnerTexts();
    expect(fields).toContainEqual(expect.stringMatching(/^下書き（\d+ \/ \d+ 問に回答済み）$/));
    await saveScreenshot(page, 'staff-panel-3-inbox');
    await page.getByTestId('staff-button').filter({ hasText: '対応を終える' }).click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('相談を終了しました');
    await page.getByTestId('staff-close').click();
  });

  it('lists an undelivered message with its reason, and sends it again from the button', async () => {
    const userId = ouen.fakeLine!.users()[0]!.userId;
    const participant = await db.prisma.participant.findFirstOrThrow({ where: { lineUserId: userId } });
    const [id] = await createOutboxRows(sqlClient(db.sql), ouen.sealer, [{
      participantId: participant.id, content: { messages: [{ type: 'text', text: { literal: { ja: 'お待たせしました（再送のテスト）', en: 'お待たせしました（再送のテスト）' } } }] }, kind: 'staff-reply', notBefore: clock(),
    }], clock());
    await db.prisma.outboxMessage.update({ where: { id: id! }, data: { status: 'failed', attempts: 1, refusedAttempts: 1, firstAttemptAt: clock(), lastError: 'LINE push failed with 400' } });

    await page.getByTestId('staff-role').selectOption('viewer');
    await page.getByTestId('staff-deliveries').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('理由: LINE push failed with 400');
    expect(await page.getByTestId('staff-button').allInnerTexts()).toEqual([]);
    await page.getByTestId('staff-close').click();

    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-deliveries').click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('届かなかったメッセージ（1〜1 / 1 件）');
    expect(await page.getByTestId('staff-text').innerText()).toContain('1. #');
    await page.getByTestId('staff-button').filter({ hasText: '再送 1' }).click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('再送しました。前回は LINE に受け付けられていないため、新しい再送キーで送ります。');
    await page.getByTestId('staff-close').click();
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS }).toContain('お待たせしました（再送のテスト）');
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: id! } })).status).toBe('sent');
  });

  it('scores from a card that shows the criteria with their weights, with the plan a click away', async () => {
    offsetMs = Date.parse('2027-04-10T10:00:00+09:00') - Date.now();
    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-line').fill('/round open document');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('を開始しました');
    await page.getByTestId('staff-close').click();

    await page.getByTestId('staff-role').selectOption('judge');
    await page.getByTestId('staff-line').fill('/score bc2026-0001');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('採点 BC2026-0001 ・ 一次審査（書類）');
    const card = await page.getByTestId('staff-text').innerText();
    expect(card).toContain('・実現可能性 ・ 配点 30 ・ 1〜5 点');
    expect(card).toContain('合計は 100 点満点です');
    expect(await page.getByTestId('staff-button').allInnerTexts()).toEqual(['採点を入力（1/1）', '応募内容（計画）を見る', '事業計画書を開く']);
    await saveScreenshot(page, 'staff-panel-4-score-card');

    await page.getByTestId('staff-button').filter({ hasText: '応募内容（計画）を見る' }).click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('応募 BC2026-0001');
    expect(await page.getByTestId('staff-fields').innerText()).not.toContain('千葉 太郎');
    await page.getByTestId('staff-button').filter({ hasText: '採点する' }).click();
    await expect.poll(() => page.getByTestId('staff-modal').isVisible()).toBe(true);
    expect(await page.getByTestId('staff-modal').locator('label > span').first().innerText()).toBe('実現可能性（1〜5・配点 30）');
    for (const criterion of ['feasibility', 'profitability', 'regional', 'originality']) await page.getByTestId(`staff-input-${criterion}`).fill('4');
    await page.getByTestId('staff-modal-submit').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toMatch(/^BC2026-0001 の採点を保存しました。\n合計 75\.0 \/ 100 点$/);
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('says why a role is refused, and shows the approver which applications get which result', async () => {
    const run = async (role: string, line: string) => {
      await page.getByTestId('staff-role').selectOption(role);
      await page.getByTestId('staff-line').fill(line);
      // Escape closes the suggestions, so Enter runs the line as typed.
      await page.getByTestId('staff-line').press('Escape');
      await page.getByTestId('staff-line').press('Enter');
    };
    await run('viewer', '/application BC2026-0001');
    await expect.poll(() => page.getByTestId('staff-text').innerText())
      .toBe('この操作（応募内容・事業計画書の閲覧）は管理者・スタッフ・審査員・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    await page.getByTestId('staff-close').click();

    await run('staff', '/round close');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('採点を締め切りました');
    await page.getByTestId('staff-close').click();
    await run('staff', '/decide BC2026-0001 pass');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('BC2026-0001');
    await page.getByTestId('staff-close').click();
    await run('staff', '/decide BC2026-0002 fail');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('BC2026-0002');
    await page.getByTestId('staff-close').click();
    await run('staff', '/publish');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('承認待ちにしました');
    await page.getByTestId('staff-close').click();

    await run('approver', '/approvals');
    await expect.poll(() => page.getByTestId('staff-dialog').innerText()).toContain('対象と結果（1〜2 / 2 件）');
    const fields = await page.getByTestId('staff-dialog').innerText();
    expect(fields).toContain('BC2026-0001 ・ 通過');
    expect(fields).toContain('BC2026-0002 ・ 不通過');
    expect(await page.getByTestId('staff-button').allInnerTexts()).toEqual(['承認して送信（一次審査（書類））', '差し戻す（一次審査（書類））']);
    await saveScreenshot(page, 'staff-panel-5-approvals');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });
});
