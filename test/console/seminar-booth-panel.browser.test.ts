/**
 * Seminars and booths in the console's staff panel, in Chromium against the whole local
 * system (web + worker, real PostgreSQL and Redis): the seminars in figures, a seminar's
 * bookings and waitlist, its roster download; a booth's schedule, its roster download and
 * a no-show; the approver sees references without names and is refused the rosters.
 * Needs Debian's chromium at /usr/bin/chromium.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOuen } from '../../cli/start-ouen.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { changeSeminar } from '../../core/seminars/change-seminar.ts';
import { seminarRules } from '../../core/seminars/seminar-rules.ts';
import { BOOKING_TIME, rules as boothRules, slotsOf } from '../support/booth-fixtures.ts';
import { openConsoleBrowser, startConsoleSystem, type ConsoleSystem } from '../support/console-browser.ts';
import type { TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN } from '../support/event-fixtures.ts';
import { BEFORE_SEMINARS } from '../support/seminar-fixtures.ts';

/** On the day, ten minutes into the funding booth's first slot: its consultation has begun. */
const DURING_FIRST = new Date(Date.parse(slotsOf('funding')[0]!.startsAt) + 10 * 60_000);
const clock = () => DURING_FIRST;

describe('seminars and booths in the console staff panel (browser)', () => {
  let system: ConsoleSystem;
  let db: TestDatabase;
  let ouen: RunningOuen;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let consultationId: string;

  beforeAll(async () => {
    system = await startConsoleSystem(clock);
    ({ db, ouen } = system);
    const event = ouen.program.event!;
    await syncEvent(transactOn(db.sql), ouen.sealer, { ...event, registration: { ...event.registration, capacity: 100 } }, REGISTRATION_OPEN);
    const rules = seminarRules(ouen.program)!;
    const person = async (name: string) => {
      const participantId = await newParticipant(db.prisma);
      await transactOn(db.sql)((tx) => registerForEvent(tx, ouen.sealer, {
        eventId: event.id, participantId, attendeeType: 'founder', answers: eventAnswers(name), now: REGISTRATION_OPEN, actor: 'test',
      }));
      return participantId;
    };
    await transactOn(db.sql)((tx) => changeSeminar(tx, rules, { seminarId: 'funding', change: { capacity: 1 }, now: BEFORE_SEMINARS, actor: 'test' }));
    for (const name of ['千葉 太郎', '船橋 花子']) {
      const participantId = await person(name);
      await transactOn(db.sql)((tx) => bookSeminar(tx, rules, { seminarId: 'funding', participantId, now: BEFORE_SEMINARS, actor: 'test' }));
    }
    const booker = await person('相談 次郎');
    const booked = await transactOn(db.sql)((tx) => bookConsultation(tx, ouen.sealer, {
      eventId: event.id, participantId: booker, slotId: slotsOf('funding')[0]!.id, intake: '融資の相談', rules: boothRules, now: BOOKING_TIME, actor: 'test',
    }));
    consultationId = (booked as { consultationId: string }).consultationId;
    ({ browser, page, pageErrors } = await openConsoleBrowser({ onlyOrigin: ouen.url }));
    await page.goto(`${ouen.url}/console`);
    await page.getByTestId('staff-panel').locator('summary').click();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  }, 60_000);

  const download = async (label: string, file: string) => {
    await page.getByTestId('staff-button').filter({ hasText: label }).click();
    const link = page.getByTestId('staff-file');
    await expect.poll(() => link.innerText()).toBe(`${file} をダウンロード`);
    const [saved] = await Promise.all([page.waitForEvent('download'), link.click()]);
    return readFile((await saved.path())!, 'utf8');
  };

  it('shows staff the seminars in figures, one seminar\'s people and waitlist, and downloads its roster', async () => {
    await page.getByTestId('staff-role').selectOption('staff');
    await page.getByTestId('staff-seminars').click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('セミナー');
    expect(await page.getByTestId('staff-text').innerText()).toContain('（funding）13:30–14:20：定員 1 ・ 予約 1 ・ ご案内中 0 ・ キャンセル待ち 1');
    await page.getByTestId('staff-pick-item').and(page.locator('[data-value="funding"]')).click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('創業資金の集め方 ― 融資・補助金・出資の基礎');
    const text = await page.getByTestId('staff-text').innerText();
    expect(text).toContain('千葉 太郎');
    expect(text).toMatch(/1\. [0-9a-f]{8} 船橋 花子/);
    const csv = await download('参加者名簿（CSV）', 'seminar-roster-funding.csv');
    expect(csv.startsWith('\uFEFF予約ID,状態,待ち順')).toBe(true);
    expect(csv).toContain('キャンセル待ち,1');
    expect(csv).toContain('船橋 花子');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('shows staff a booth\'s schedule, downloads its roster with the intake, and marks a no-show', async () => {
    await page.getByTestId('staff-booths').click();
    await expect.poll(() => page.getByTestId('staff-title').innerText()).toBe('相談ブース');
    await page.getByTestId('staff-pick-item').and(page.locator('[data-value="funding"]')).click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('相談 次郎');
    const csv = await download('予約者名簿（CSV）', 'booth-roster-funding.csv');
    expect(csv.startsWith('\uFEFF開始,終了,枠の状態,予約ID,状態,予約者,相談内容')).toBe(true);
    expect(csv).toContain(`${consultationId},予約,相談 次郎,融資の相談`);
    // The download answered in place of the schedule: open it again for its no-show buttons.
    await page.getByTestId('staff-close').click();
    await page.getByTestId('staff-line').fill('/booth funding');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('相談 次郎');
    await page.getByTestId('staff-button').filter({ hasText: '不参加:' }).click();
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe(`不参加として記録しました（${consultationId.slice(0, 8)}）。`);
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });

  it('shows the approver references without names, no buttons, and refuses the rosters', async () => {
    await page.getByTestId('staff-role').selectOption('approver');
    await page.getByTestId('staff-line').fill('/seminars funding');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toContain('（氏名は管理者・スタッフのみ表示されます）');
    expect(await page.getByTestId('staff-text').innerText()).not.toMatch(/千葉 太郎|船橋 花子/);
    expect(await page.getByTestId('staff-button').count()).toBe(0);
    await page.getByTestId('staff-close').click();
    await page.getByTestId('staff-line').fill('/seminars roster funding');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('この操作（セミナー参加者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。あなたのロール: 県の承認者。');
    expect(await page.getByTestId('staff-file').isHidden()).toBe(true);
    await page.getByTestId('staff-close').click();
    await page.getByTestId('staff-line').fill('/booth roster funding');
    await page.getByTestId('staff-line').press('Enter');
    await expect.poll(() => page.getByTestId('staff-text').innerText()).toBe('この操作（相談ブースの予約者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。あなたのロール: 県の承認者。');
    await page.getByTestId('staff-close').click();
    expect(pageErrors).toEqual([]);
  });
});
