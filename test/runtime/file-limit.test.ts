/**
 * One file rule on every channel, end to end: a program whose plan document takes up to
 * 20 MB receives a 12 MB PDF on LINE and in Discord DMs alike (each channel once refused
 * anything over 10 MB itself, and the flow, told the file was fine, failed the turn with
 * a generic error); a PDF announced over 20 MB is refused without being downloaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmChannelOf, dmMessage, snowflake, startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { DURING } from '../support/flow-harness.ts';
import { botTexts, callbackBody, LineUser, MINIMAL_PDF } from '../support/line-events.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';
import { programFileWith } from '../support/program-file.ts';

const MB = 1024 * 1024;
const TWELVE_MB_PDF = Buffer.concat([MINIMAL_PDF, Buffer.alloc(12 * MB - MINIMAL_PDF.length)]);
const GENERIC_ERROR = 'うまく処理できませんでした';

/** The application's answers up to its plan document, as a person types them. */
const UP_TO_THE_DOCUMENT = [
  '応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない', '千葉 太郎', 'ちば たろう', 'taro@example.jp', '090-1234-5678',
  '30代', '会社員', 'ちばラボ', '房総の空き家を工房に', '観光・地域', '空き家を改装し、職人の工房として貸し出します。', '空き家の増加。',
];

function programWithDocumentsUpTo(maxBytes: number): string {
  return programFileWith((program) => {
    for (const question of program.contest.questions) if (question.kind === 'file') question.maxBytes = maxBytes;
  });
}

let h: Harness;
let discord: FakeDiscord;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, discord, close } = await startOuenWithDiscord({ clock: () => DURING, env: { OUEN_PROGRAM_FILE: programWithDocumentsUpTo(20 * MB) } }));
}, 60_000);

afterAll(async () => {
  await close?.();
});

/** The plan document stored for a participant, if any. */
const documentOf = (where: { lineUserId: string } | { discordUserId: string }) =>
  h.db.prisma.applicationDocument.findFirst({ where: { application: { participant: where } }, select: { sizeBytes: true } });

describe('a 12 MB PDF under a 20 MB limit', () => {
  it('is taken as the plan document on LINE', async () => {
    const user = new LineUser(h.line);
    for (const text of UP_TO_THE_DOCUMENT) {
      await h.post(callbackBody(h.line.botUserId, user.text(text)));
      await h.settle();
    }
    expect(botTexts(h.line, user.userId).at(-1)).toContain('20MBまで');
    await h.post(callbackBody(h.line.botUserId, user.file('plan.pdf', TWELVE_MB_PDF)));
    await h.settle();
    const said = botTexts(h.line, user.userId).join('\n');
    expect(said).toContain('「plan.pdf」を受け取りました');
    expect(said).not.toContain(GENERIC_ERROR);
    expect(await documentOf({ lineUserId: user.userId })).toEqual({ sizeBytes: 12 * MB });
  }, 60_000);

  it('is taken as the plan document in Discord DMs', async () => {
    const userId = snowflake();
    const answers = () => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${dmChannelOf(userId)}/messages`)
      .map((r) => (r.body as { content?: string }).content ?? '');
    const write = async (content: string, attachments?: unknown[]) => {
      const before = answers().length;
      discord.dispatch('MESSAGE_CREATE', dmMessage({ userId, content, ...(attachments ? { attachments } : {}) }));
      await eventually(() => answers().length > before);
    };
    for (const text of UP_TO_THE_DOCUMENT) await write(text);
    await eventually(() => answers().at(-1)!.includes('20MBまで'));
    await write('', [discord.attachment('plan.pdf', TWELVE_MB_PDF, 'application/pdf')]);
    expect(await eventually(() => documentOf({ discordUserId: userId }), 15_000)).toEqual({ sizeBytes: 12 * MB });
    expect(answers().join('\n')).toContain('「plan.pdf」を受け取りました');
    expect(answers().join('\n')).not.toContain(GENERIC_ERROR);
    expect(discord.invalidRequests()).toEqual([]);
  }, 60_000);
});

describe('a PDF announced over the limit', () => {
  it('is refused with the configured limit, and never downloaded', async () => {
    const user = new LineUser(h.line);
    for (const text of UP_TO_THE_DOCUMENT) {
      await h.post(callbackBody(h.line.botUserId, user.text(text)));
      await h.settle();
    }
    const event = user.file('big.pdf', MINIMAL_PDF);
    const messageId = (event.message as { id: string }).id;
    await h.post(callbackBody(h.line.botUserId, { ...event, message: { ...(event.message as object), fileSize: 21 * MB } }));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('ファイルが大きすぎます（20MBまで）');
    expect(h.line.requests.some((r) => r.path === `/v2/bot/message/${messageId}/content`)).toBe(false);
    expect(await documentOf({ lineUserId: user.userId })).toBeNull();
  }, 60_000);
});
