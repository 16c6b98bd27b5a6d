/**
 * Event registration in the console, in Chromium against the whole local system (web +
 * worker, real PostgreSQL and Redis): a person registers by tapping and typing, and the
 * ticket card shows its QR code, served by the running server. Needs Debian's chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOuen } from '../../cli/start-ouen.ts';
import { chatActions, openConsoleBrowser, saveScreenshot, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';
import { REGISTRATION_OPEN } from '../support/event-fixtures.ts';

describe('event registration in the console (browser)', () => {
  let system: ConsoleSystem;
  let ouen: RunningOuen;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const step = (action: () => Promise<unknown>, expected: string | RegExp) => chatActions(page).step(action, expected);
  const tapQuickReply = (label: string) => chatActions(page).tapQuickReply(label);
  const type = (text: string) => chatActions(page).type(text);

  beforeAll(async () => {
    system = await startConsoleSystem(() => REGISTRATION_OPEN);
    ({ ouen } = system);
    ({ browser, page, pageErrors } = await openConsoleBrowser({ onlyOrigin: ouen.url }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  it('registers from the menu and shows the ticket with its QR code', async () => {
    await page.goto(`${ouen.url}/console`);
    await page.getByTestId('add-user-name').fill('千葉 花子');
    await step(() => page.getByTestId('add-user-submit').click(), 'はじめまして');
    await step(() => tapQuickReply('参加登録'), '内容に同意いただけますか');
    await step(() => tapQuickReply('同意する'), 'あてはまるもの');
    await step(() => tapQuickReply('起業を目指している方'), 'お名前');
    await step(() => type('千葉 花子'), '所属');
    await step(() => tapQuickReply('なし'), 'メール');
    await step(() => type('hanako@example.jp'), '何で知りました');
    await step(() => tapQuickReply('SNS'), '参加登録の内容');
    await step(() => tapQuickReply('登録する'), '参加登録が完了しました');

    const qr = page.locator('img.flex-image-shown');
    await expect.poll(() => qr.count()).toBe(1);
    expect(await qr.getAttribute('src')).toMatch(/\/tickets\/[A-Za-z0-9_-]+\.png$/);
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThanOrEqual(300);
    await saveScreenshot(page, 'console-event-ticket');
    expect(pageErrors).toEqual([]);
  });
});
