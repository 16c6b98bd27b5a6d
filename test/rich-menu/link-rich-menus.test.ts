import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineApiError } from '../../channels/line/line-api.ts';
import { createLogger } from '../../core/logger.ts';
import { RICH_MENU_STAGES } from '../../core/rich-menu/participant-stage.ts';
import { recordRichMenu } from '../../core/rich-menu/rich-menu.repository.ts';
import { linkRichMenus } from '../../runtime/link-rich-menus.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { startRichMenuLinker } from '../../worker/rich-menu-link-worker.ts';
import { obliterateQueues, RICH_MENU_QUEUE } from '../../runtime/queues.ts';
import { eventually } from '../support/ouen-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { startRichMenuFixture, type RichMenuFixture } from '../support/rich-menu-fixture.ts';

let f: RichMenuFixture;
/** Each stage's menu at the fake LINE, recorded as published (drawing is publish's test). */
const menus = new Map<string, string>();

beforeAll(async () => {
  f = await startRichMenuFixture();
  for (const stage of RICH_MENU_STAGES) {
    const { richMenuId } = f.line.richMenus.create({ size: { width: 2500, height: 843 }, selected: false, name: `ouen:${stage}:test`, chatBarText: 'menu', areas: [] })!;
    await recordRichMenu(f.transact, { id: randomUUID(), stage, lineRichMenuId: richMenuId, hash: stage }, new Date());
    menus.set(stage, richMenuId);
  }
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const pass = () => linkRichMenus({ db: f.sql, api: f.api, program: f.program, now: new Date(), logger: createLogger('silent') });
const bulkLinks = () => f.line.requests.filter((r) => r.path === '/v2/bot/richmenu/bulk/link');
const participantRow = (id: string) => f.db.prisma.participant.findUniqueOrThrow({ where: { id } });

describe('linking rich menus by stage', () => {
  it('links 1,201 applicants in bulk requests of at most 500, skips people who blocked the account, and links nobody twice', async () => {
    const userIds = await f.applicants(1_201);
    const blocked = await f.participant({ application: 'submitted', unreachable: true });
    const newcomer = await f.participant();
    const report = await pass();
    expect(report).toEqual({ linked: 1_201, failed: 0, requests: 3 });
    const requests = bulkLinks();
    expect(requests.map((r) => (r.body as { userIds: string[] }).userIds.length)).toEqual([500, 500, 201]);
    expect(requests.map((r) => r.status)).toEqual([202, 202, 202]);
    for (const request of requests) expect(validateLineRequest(request.method, request.path, request.body)).toEqual({ ok: true });
    const sent = requests.flatMap((r) => (r.body as { userIds: string[] }).userIds);
    expect(new Set(sent).size).toBe(1_201);
    expect(sent).not.toContain(blocked.lineUserId);
    expect(sent).not.toContain(newcomer.lineUserId);
    expect(userIds.every((u) => f.line.richMenus.linked(u) === menus.get('applicant'))).toBe(true);
    expect(await f.db.prisma.participant.count({ where: { richMenuStage: 'applicant', richMenuId: menus.get('applicant') } })).toBe(1_201);

    expect(await pass()).toEqual({ linked: 0, failed: 0, requests: 0 });
    expect(bulkLinks()).toHaveLength(3);
  }, 120_000);

  it('links again when the stage changes: a withdrawn applicant goes back to the new-friend menu', async () => {
    const person = await f.participant({ application: 'submitted' });
    await pass();
    await f.db.prisma.application.updateMany({ where: { participantId: person.participantId }, data: { status: 'withdrawn' } });
    expect(await pass()).toEqual({ linked: 1, failed: 0, requests: 1 });
    expect(f.line.richMenus.linked(person.lineUserId)).toBe(menus.get('new-friend'));
    expect(await participantRow(person.participantId)).toMatchObject({ richMenuStage: 'new-friend' });
  });

  it('reads each stage from the database: a registered place, a published presentation pass, a published final', async () => {
    const person = await f.participant({ application: 'submitted' });
    const stageNow = async () => {
      await pass();
      return (await participantRow(person.participantId)).richMenuStage;
    };
    expect(await stageNow()).toBe('applicant');
    const event = f.program.event!;
    const now = new Date();
    await f.db.prisma.event.create({ data: {
      id: event.id, capacity: 10, opensAt: new Date(event.registration.opensAt), closesAt: new Date(event.registration.closesAt),
      startsAt: new Date(event.startsAt), createdAt: now, updatedAt: now,
    } });
    await f.db.prisma.eventRegistration.create({ data: {
      eventId: event.id, participantId: person.participantId, status: 'registered', attendeeType: 'general', answersSealed: 'x',
      ticketNonce: 'n', joinedAt: now, createdAt: now, updatedAt: now,
    } });
    expect(await stageNow()).toBe('attendee');
    const application = await f.db.prisma.application.findFirstOrThrow({ where: { participantId: person.participantId } });
    const decide = async (roundId: 'presentation' | 'final', outcome: string, status: 'pending' | 'published') => {
      const approval = status === 'published'
        ? await f.db.prisma.approval.create({ data: {
          kind: 'judging-results', subject: `${f.program.contest.id}:${roundId}`, contestId: f.program.contest.id, roundId, status: 'approved',
          draftedBy: 'a', draftedAt: now, decidedBy: 'b', decidedAt: now, messages: 1,
        } })
        : null;
      await f.db.prisma.decision.create({ data: {
        contestId: f.program.contest.id, roundId, applicationId: application.id, outcome, status, markedBy: 'a', markedAt: now, approvalId: approval?.id ?? null,
      } });
    };
    await decide('presentation', 'pass', 'published');
    expect(await stageNow()).toBe('finalist');
    expect(f.line.richMenus.linked(person.lineUserId)).toBe(menus.get('finalist'));
    await decide('final', 'grand', 'pending');
    expect(await stageNow()).toBe('finalist');
    await f.db.prisma.decision.deleteMany({ where: { applicationId: application.id, roundId: 'final' } });
    await decide('final', 'grand', 'published');
    expect(await stageNow()).toBe('alumni');
    expect(f.line.richMenus.linked(person.lineUserId)).toBe(menus.get('alumni'));
  });

  it('fails people for good on a 400 and never asks again for that menu', async () => {
    const person = await f.participant({ application: 'submitted' });
    f.line.richMenus.failNextBulkLinks({ status: 400 });
    expect(await pass()).toEqual({ linked: 0, failed: 1, requests: 1 });
    expect(await participantRow(person.participantId)).toMatchObject({ richMenuId: menus.get('applicant'), richMenuFailedAt: expect.any(Date) });
    expect(f.line.richMenus.linked(person.lineUserId)).toBeUndefined();
    expect(await pass()).toEqual({ linked: 0, failed: 0, requests: 0 });
  });

  it('throws on a 5xx, records nothing, and the next pass links them', async () => {
    const person = await f.participant({ application: 'submitted' });
    f.line.richMenus.failNextBulkLinks({ status: 503 });
    const error = await pass().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineApiError);
    expect(await participantRow(person.participantId)).toMatchObject({ richMenuId: null });
    expect(await pass()).toEqual({ linked: 1, failed: 0, requests: 1 });
  });

  it('as a worker: waits for Retry-After on a 429, then links', async () => {
    const person = await f.participant({ application: 'submitted' });
    f.line.richMenus.failNextBulkLinks({ status: 429, retryAfter: 2 });
    const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
    const linker = await startRichMenuLinker({
      db: f.sql, transact: f.transact, program: f.program, line: { api: f.config }, logger: createLogger('silent'),
      clock: () => new Date(), connection: redisConnection('redis://127.0.0.1:6379'), prefix, everyMs: 60_000,
    });
    try {
      await eventually(async () => (await participantRow(person.participantId)).richMenuStage === 'applicant', 20_000);
      const attempts = bulkLinks().filter((r) => (r.body as { userIds: string[] }).userIds.includes(person.lineUserId));
      expect(attempts.map((r) => r.status)).toEqual([429, 202]);
      expect(Date.parse(attempts[1]!.at) - Date.parse(attempts[0]!.at)).toBeGreaterThanOrEqual(2_000); // longer than the 1 s backoff a plain failure would get
    } finally {
      await linker.close();
      await obliterateQueues(redisConnection('redis://127.0.0.1:6379'), prefix, [RICH_MENU_QUEUE]);
    }
  }, 60_000);
});
