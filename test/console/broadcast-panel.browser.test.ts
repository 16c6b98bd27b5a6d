/**
 * A broadcast from the console's staff panel in Chromium against the whole local system
 * (web + worker, real PostgreSQL and Redis, the built-in fake LINE): staff draft one for
 * a segment in the form, read the preview, test-send it to the console's LINE user; an
 * approver approves it, it arrives, and the report counts it. Needs Debian's chromium at
 * /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_MS, openConsoleBrowser, saveScreenshot, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';

/** Daytime in Tokyo, outside the quiet hours. */
const offsetMs = Date.parse('2026-12-08T11:00:00+09:00') - Date.now();
const clock = () => new Date(Date.now() + offsetMs);
const TEXT = '12 月 10 日 14 時から説明会を開きます。';

describe('a broadcast from the console staff panel (browser)', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const staffText = () => page.getByTestId('staff-text').innerText();
  const fields = () => page.getByTestId('staff-field').allInnerTexts();

  beforeAll(async () => {
    system = await startConsoleSystem(clock);
    ({ browser, page, pageErrors } = await openConsoleBrowser({ viewport: { width: 1280, height: 900 }, onlyOrigin: system.ouen.url }));
    await page.goto(`${system.ouen.url}/console`);
    await page.getByTestId('add-user-name').fill('千葉 花子');
    await page.getByTestId('add-user-submit').click();
    await page.getByTestId('bot-message').first().waitFor({ timeout: ANSWER_MS });
    await page.getByTestId('staff-panel').locator('summary').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  it('drafts for a segment in a form, previews it, and test-sends it to the console\'s LINE user only', async () => {
    const before = await page.getByTestId('bot-message').count();
    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-segment').selectOption('followers');
    await page.getByTestId('staff-broadcast-draft').click();
    await page.getByTestId('staff-input-title').fill('説明会のお知らせ');
    await page.getByTestId('staff-input-ja').fill(TEXT);
    await page.getByTestId('staff-modal-submit').click();
    await expect.poll(staffText).toMatch(/^お知らせを下書きしました（対象 1 人）/);
    expect(await page.getByTestId('staff-title').innerText()).toBe('お知らせ: 説明会のお知らせ');
    expect(await fields()).toEqual(expect.arrayContaining(['1 人（LINE 1 ・ Discord 0 ・ ブロック中 0）', TEXT]));
    // Held: nothing has reached the chat.
    expect(await page.getByTestId('bot-message').count()).toBe(before);
    await saveScreenshot(page, 'broadcast-panel-1-preview');
    await page.getByTestId('staff-button').filter({ hasText: '自分にテスト送信' }).click();
    await expect.poll(staffText).toMatch(/^テスト送信しました/);
    await page.getByTestId('staff-close').click();
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS }).toContain(TEXT);
    expect(await page.getByTestId('bot-message').count()).toBe(before + 1);
  });

  it('is approved by an approver, arrives, and is counted in the report', async () => {
    const before = await page.getByTestId('bot-message').count();
    await page.getByTestId('staff-role').selectOption('approver');
    await page.getByTestId('staff-broadcasts').click();
    await page.getByTestId('staff-button').filter({ hasText: '承認（説明会のお知らせ）' }).click();
    await expect.poll(staffText).toMatch(/^承認しました。1 人宛てのお知らせを/);
    await page.getByTestId('staff-close').click();
    await expect.poll(() => page.getByTestId('bot-message').count(), { timeout: ANSWER_MS }).toBe(before + 1);
    await page.getByTestId('staff-reports').click();
    await expect.poll(fields, { timeout: ANSWER_MS }).toContain('対象 1 ・ 送信済み 1 ・ 省略（ブロック等） 0 ・ 失敗 0 ・ 待ち 0');
    await saveScreenshot(page, 'broadcast-panel-2-report');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });
});
