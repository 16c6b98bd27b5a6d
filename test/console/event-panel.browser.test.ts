/**
 * The event in the console's staff panel, in Chromium against the whole local system
 * (web + worker, real PostgreSQL and Redis): the event button shows the registrations in
 * figures, staff download the roster from the card's button, a viewer is refused; and the
 * ticket image is served by the running server. Needs Debian's chromium at /usr/bin/chromium.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOuen } from '../../cli/start-ouen.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { registerForEvent, type RegisterOutcome } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { ticketImageUrl } from '../../core/events/ticket-token.ts';
import { openConsoleBrowser, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';
import type { TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';

const clock = () => REGISTRATION_OPEN;

describe('the event in the console staff panel (browser)', () => {
  let system: ConsoleSystem;
  let db: TestDatabase;
  let ouen: RunningOuen;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let first: RegisterOutcome;

  beforeAll(async () => {
    system = await startConsoleSystem(clock);
    ({ db, ouen } = system);
    const event = ouen.program.event!;
    await syncEvent(transactOn(db.sql), ouen.sealer, testEvent(event.id, 1), clock());
    const register = async (name: string, email: string) => transactOn(db.sql)(async (tx) => registerForEvent(tx, ouen.sealer, {
      eventId: event.id, participantId: await newParticipant(db.prisma), attendeeType: 'founder', answers: eventAnswers(name, email), now: clock(), actor: 'test',
    }));
    first = await register('千葉 太郎', 'taro@example.jp');
    await register('市川 花子', 'hanako@example.jp');
    ({ browser, page, pageErrors } = await openConsoleBrowser({ onlyOrigin: ouen.url }));
    await page.goto(`${ouen.url}/console`);
    await page.getByTestId('staff-panel').locator('summary').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  it('shows staff the registrations and downloads the roster from the card', async () => {
    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-event').click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('参加登録 ちば起業家大交流会 2026');
    const fields = await page.getByTestId('staff-fields').innerText();
    expect(fields).toContain('参加登録 1 ・ キャンセル待ち 1 ・ キャンセル 0');
    expect(fields).not.toContain('千葉 太郎');
    await page.getByTestId('staff-button').filter({ hasText: '参加者名簿（CSV）' }).click();
    const link = page.getByTestId('staff-file');
    await expect.poll(() => link.innerText()).toBe('event-roster-meetup2026.csv をダウンロード');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF登録ID,状態')).toBe(true);
    expect(csv).toContain('千葉 太郎');
    expect(csv).toContain('hanako@example.jp');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('refuses a viewer, and the typed /event roster to the approver', async () => {
    await page.getByTestId('staff-role').selectOption('viewer');
    await page.getByTestId('staff-event').click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('この操作（イベント参加登録の状況）は管理者・スタッフ・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    await page.getByTestId('staff-close').click();
    await page.getByTestId('staff-role').selectOption('approver');
    await page.getByTestId('staff-line').fill('/event roster');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('この操作（イベント参加者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。あなたのロール: 県の承認者。');
    expect(await page.getByTestId('staff-file').isHidden()).toBe(true);
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('serves the ticket image from the running server, and nothing for a forged token', async () => {
    if (first.outcome !== 'registered') throw new Error('the first registration took the place');
    const image = await fetch(ticketImageUrl(ouen.url, first.ticket));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const forged = `${first.ticket.slice(0, 40)}${first.ticket[40] === 'A' ? 'B' : 'A'}${first.ticket.slice(41)}`;
    expect((await fetch(ticketImageUrl(ouen.url, forged))).status).toBe(404);
  });
});
