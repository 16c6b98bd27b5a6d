import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffCommand, staffDepsOn } from '../../bot/staff/staff-commands.ts';
import { createLogger } from '../../core/logger.ts';
import { findMyNumbers } from '../../flows/validators/my-number.ts';
import { captureLogs } from '../support/capture-logs.ts';
import { dmChannelOf, dmMessage, snowflake, startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';
import { botTexts, callbackBody, LineUser, MINIMAL_PDF } from '../support/line-events.ts';
import { everythingStored } from '../support/sealed-scan.ts';

/** 4231-9605-6805 written every way people write it; all have the right check digit. */
const NUMBER_DIGITS = '423196056805';
const SHAPES = {
  hyphens: '4231-9605-6805',
  lines: '4231\n9605\n6805',
  dots: '4231.9605.6805',
  slashes: '4231/9605/6805',
  spaces: '4 2 3 1 9 6 0 5 6 8 0 5',
  doubleHyphen: '4231--9605--6805',
  fullWidth: '４２３１　９６０５　６８０５',
  bracketed: '(4231)9605-6805',
  glued: 'MyNo4231•9605•6805',
};

const { lines: logLines, stream: logs } = captureLogs();
const INBOX = snowflake();
let h: Harness;
let discord: FakeDiscord;
let close: () => Promise<void>;

beforeAll(async () => {
  // Turns in this thread, so every log line of theirs reaches the captured logger.
  ({ h, discord, close } = await startOuenWithDiscord({
    logger: createLogger('trace', logs),
    env: { OUEN_PROCESSING_THREAD: '0', DISCORD_INBOX_CHANNEL_ID: INBOX, DISCORD_APPLICATIONS_CHANNEL_ID: snowflake() },
  }));
}, 60_000);

afterAll(async () => {
  await close?.();
});

/**
 * Identifiers ouen makes (UUIDs, hashes, LINE and event ids) can hold twelve digits in a
 * row by chance; they are not what a person wrote, so they are not searched.
 */
function withoutIdentifiers(line: string): string {
  return line
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '‹uuid›')
    .replace(/\bU?[0-9a-f]{16,}\b/g, '‹hex›')
    .replace(/\b[0-9A-HJKMNP-TV-Z]{26}\b/g, '‹ulid›');
}

/** What the bot said to a Discord user in their DM, oldest first. */
function dmAnswers(userId: string): string[] {
  return discord.requests
    .filter((r) => r.method === 'POST' && r.path === `/channels/${dmChannelOf(userId)}/messages`)
    .map((r) => JSON.stringify(r.body));
}

async function say(user: LineUser, event: ReturnType<LineUser['text']>) {
  await h.post(callbackBody(h.line.botUserId, event));
  await h.settle();
  return botTexts(h.line, user.userId).at(-1) ?? '';
}

describe('an Individual Number', () => {
  it('is refused on every path and kept nowhere: answers, the conversation record, the inbox, staff notices, the outbox, logs', async () => {
    const user = new LineUser(h.line);
    expect(await say(user, user.text(`マイナンバーは ${SHAPES.hyphens} です`))).toContain('その部分は受け取らずに削除しました');
    for (const [text, answer] of [['応募', null], ['同意する', null], ['すでにある', null], ['船橋市', null], ['まだ創業していない', null],
      [`千葉 太郎 ${SHAPES.dots}`, 'refused'], ['千葉 太郎', null], ['ちば たろう', null],
      [`${NUMBER_DIGITS}@example.jp`, 'refused'], ['taro@example.jp', null], [SHAPES.slashes, 'refused'], ['090-1234-5678', null],
      ['30代', null], ['会社員', null], ['ちばラボ', null], ['房総の空き家を工房に', null], ['観光・地域', null],
      [`概要です\n${SHAPES.lines}`, 'refused'], [`概要です ${SHAPES.spaces}`, 'refused'], [`概要 ${SHAPES.doubleHyphen}`, 'refused'],
      ['空き家を改装し、職人の工房として貸し出します。', null], [`課題 ${SHAPES.fullWidth}`, 'refused'], ['空き家の増加。', null]] as const) {
      const answered = await say(user, user.text(text));
      if (answer === 'refused') expect(answered, text).toContain('マイナンバー');
    }
    expect(await say(user, user.file(`計画書_${SHAPES.hyphens}.pdf`, MINIMAL_PDF))).toContain('を受け取りました');
    await say(user, user.text('受講していない'));
    await say(user, user.text('SNS'));
    expect(await say(user, user.choose('submit'))).toMatch(/受付番号：BC2026-\d{4}/);

    expect(await say(user, user.text('スタッフと話したい'))).toContain('スタッフにおつなぎしました');
    expect(await say(user, user.text(`私の番号は ${SHAPES.fullWidth} です`))).toContain('番号は削除して、スタッフにお伝えしました');

    const handoff = await h.db.prisma.handoff.findFirstOrThrow({ where: { participant: { lineUserId: user.userId }, status: 'open' } });
    const deps = staffDepsOn(h.db.sql, { sealer: h.ouen.sealer, program: h.ouen.program, clock: () => new Date() });
    const refused = await runStaffCommand(deps, {
      actor: 'console:staff', roles: ['staff'], language: 'ja', displayName: '山田',
      command: { name: 'reply', handoffId: handoff.id, text: `番号は ${SHAPES.hyphens} ですね` },
    });
    expect(refused.text).toContain('マイナンバー');

  }, 60_000);

  it('is cut out of Discord DMs too: a message, a file name, a message during a handover', async () => {
    const userId = snowflake();
    const answered = async (content: string, attachments?: unknown[]) => {
      const before = dmAnswers(userId).length;
      discord.dispatch('MESSAGE_CREATE', dmMessage({ userId, content, ...(attachments ? { attachments } : {}) }));
      await eventually(() => dmAnswers(userId).length > before);
      // An answer can be several messages, posted one after another: the last one once they stop.
      let seen = 0;
      return eventually(async () => {
        const count = dmAnswers(userId).length;
        if (count === seen) return dmAnswers(userId).at(-1)!;
        seen = count;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return undefined;
      });
    };
    expect(await answered(`番号は ${SHAPES.bracketed} です`)).toContain('その部分は受け取らずに削除しました');
    await answered('応募');
    expect(await answered('同意する')).toContain('拠点');
    await answered('すでにある');
    expect(await answered(`船橋市 ${SHAPES.hyphens}`)).toContain('マイナンバー');
    // A file sent at a text question: refused, and its name recorded only without the number.
    expect(await answered('', [discord.attachment(`番号${NUMBER_DIGITS}.pdf`, MINIMAL_PDF, 'application/pdf')])).toContain('市町村');
    await answered('スタッフと話したい');
    discord.dispatch('MESSAGE_CREATE', dmMessage({ userId, content: `スタッフさんへ ${SHAPES.glued}` }));
    await eventually(() => discord.requests.some((r) => JSON.stringify(r.body ?? '').includes('スタッフさんへ')));
  }, 60_000);

  it('is cut out of button data, which a client can forge', async () => {
    const user = new LineUser(h.line);
    await say(user, user.text('応募'));
    expect(await say(user, user.choose(`say:${SHAPES.spaces}`))).toContain('マイナンバー');
  }, 60_000);

  it('is kept nowhere afterwards: every stored and sealed value, the log, what went to Discord', async () => {
    // The inbox thread got the redacted message (the staff feed posts it to Discord).
    await eventually(() => discord.requests.some((r) => JSON.stringify(r.body ?? '').includes('私の番号は')));
    const sentToDiscord = discord.requests.map((r) => JSON.stringify(r.body ?? ''));
    // JSON escapes line breaks: a number across lines is searched in the decoded strings too.
    const strings = (body: string) => JSON.stringify(JSON.parse(body), (_k, v: unknown) => v).split('"');
    expect(sentToDiscord.filter((body) => findMyNumbers(body).length > 0 || strings(body).some((s) => findMyNumbers(s.replaceAll('\\n', '\n')).length > 0))).toEqual([]);

    const stored = await everythingStored(h.db.sql, h.ouen.sealer);
    expect(stored.length).toBeGreaterThan(50);
    const leaks = stored.map(withoutIdentifiers).filter((line) => findMyNumbers(line).length > 0 || line.replace(/\D/g, '').includes(NUMBER_DIGITS));
    expect(leaks).toEqual([]);
    // What the person wrote around the number is kept: the record is useful, only the number went.
    expect(stored.some((line) => line.startsWith('StaffNotice.payloadSealed') && line.includes('私の番号は'))).toBe(true);
    const logged = logLines.filter((line) => findMyNumbers(line).length > 0);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logged).toEqual([]);
  }, 60_000);

  it('passes where the check digit is wrong: an amount, a mistyped number', async () => {
    const user = new LineUser(h.line);
    for (const text of ['応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない', '千葉 花子', 'ちば はなこ', 'hanako@example.jp',
      '090-1234-5678', '40代', '会社員', 'はなラボ', '花の工房', '観光・地域']) await say(user, user.text(text));
    expect(await say(user, user.text('売上目標は120000000000円、番号4321 8765 2109'))).not.toContain('マイナンバー');
    const application = await h.db.prisma.application.findFirstOrThrow({ where: { participant: { lineUserId: user.userId } } });
    expect(application).toBeDefined();
  }, 60_000);
});
