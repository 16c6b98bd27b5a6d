/**
 * Schedules on real PostgreSQL and Redis, fired by the real schedule worker into the
 * outbox, delivered by the real outbox worker to the fake LINE platform.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { createLogger } from '../../core/logger.ts';
import { DRAFT_NUDGE, MISSING_DOCUMENT } from '../../core/modules/contest.reminders.ts';
import { EVENT_BEFORE_START, EVENT_DAY_BEFORE } from '../../core/modules/event.reminders.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { scheduleJobId } from '../../core/schedules/schedule-job.ts';
import { cancelSchedule, rescheduleSchedule, scheduleReminder, type NewSchedule } from '../../core/schedules/schedule.service.ts';
import { syncProgramSchedules } from '../../core/schedules/sync-program-schedules.ts';
import { eventWhen } from '../../flows/event/event-messages.ts';
import { allSlots } from '../../flows/consult/consult-slots.ts';
import { t } from '../../flows/engine/text.ts';
import { translate, translateText } from '../../flows/index.ts';
import type { ScheduleJob } from '../../runtime/schedule-queue.ts';
import { createScheduleProcessor } from '../../worker/schedule.processor.ts';
import { eventually } from '../support/ouen-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { pingSchedule, registry, startScheduleFixture, type ScheduleFixture } from '../support/schedule-fixture.ts';

let f: ScheduleFixture;

beforeAll(async () => {
  f = await startScheduleFixture();
  await f.startSchedules();
  await syncContest(f.transact, f.program, new Date());
  await syncEvent(f.transact, f.sealer, f.program.event!, new Date());
});

afterAll(async () => {
  await f?.close();
});

const schedule = (id: string) => f.db.prisma.schedule.findUniqueOrThrow({ where: { id } });
const rowsFor = (participantId: string) => f.db.prisma.outboxMessage.findMany({ where: { participantId } });
const pushedTexts = (lineUserId: string) => f.pushes().filter((p) => p.to === lineUserId && p.status === 200)
  .flatMap((p) => (p.request.body as { messages: Array<{ text: string }> }).messages.map((m) => m.text));

/** Schedules it in its own transaction and applies the queue changes after commit, as a caller does. */
async function add(input: NewSchedule): Promise<string> {
  const changes = await f.transact((tx) => scheduleReminder(tx, input, f.timing, new Date()));
  await f.schedules().queue.apply(changes, new Date());
  return changes.add[0]!.scheduleId;
}

/** Runs the processor on a job as BullMQ would hand it over, with the worker's clock at `now`. */
function runJob(data: ScheduleJob, now: Date) {
  const processor = createScheduleProcessor({
    transact: f.transact, fire: { sealer: f.sealer, program: f.program, reminders: registry }, logger: createLogger('silent'), clock: () => now,
  });
  return processor({ data } as Job<ScheduleJob>);
}

async function application(participantId: string, status: 'draft' | 'submitted' | 'withdrawn', withDocument = false): Promise<void> {
  const app = await f.db.prisma.application.create({ data: { contestId: f.program.contest.id, participantId, status, answersSealed: 'sealed' } });
  if (withDocument) {
    await f.db.prisma.applicationDocument.create({ data: {
      applicationId: app.id, sourceMessageId: randomBytes(8).toString('hex'), fileNameSealed: 'x', contentSealed: Buffer.from('x'), sizeBytes: 1, sha256: 'x',
    } });
  }
}

async function registration(participantId: string, status: 'registered' | 'waitlisted' | 'cancelled'): Promise<void> {
  const now = new Date();
  await f.db.prisma.eventRegistration.create({ data: {
    eventId: f.program.event!.id, participantId, status, attendeeType: 'founder', answersSealed: 'sealed', ticketNonce: randomBytes(8).toString('hex'),
    joinedAt: now, createdAt: now, updatedAt: now, cancelledAt: status === 'cancelled' ? now : null,
  } });
}

describe('a schedule', () => {
  it('fires once at its time: one outbox row, delivered once; running its job again writes nothing', async () => {
    const { participantId, lineUserId } = await f.lineParticipant();
    const runAt = new Date(Date.now() + 1500);
    const id = await add(pingSchedule(participantId, runAt));
    expect((await schedule(id)).status).toBe('pending');
    await eventually(async () => (await schedule(id)).status === 'done');
    const done = await schedule(id);
    expect(done.firedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
    await eventually(async () => pushedTexts(lineUserId).length === 1);
    await runJob({ scheduleId: id, runAt: runAt.getTime() }, new Date(runAt.getTime() + 60_000));
    const rows = await rowsFor(participantId);
    expect(rows.map((r) => ({ kind: r.kind, dedupeKey: r.dedupeKey, entity: r.entity }))).toEqual([
      { kind: 'reminder:test.ping', dedupeKey: `schedule:${id}:${participantId}`, entity: 'participant' },
    ]);
    expect(pushedTexts(lineUserId)).toEqual([translate('ja', 'handoff.closed')]);
    expect(validateLineRequest('POST', '/v2/bot/message/push', f.pushes().find((p) => p.to === lineUserId)!.request.body)).toEqual({ ok: true });
  });

  it('rescheduled: the old job finds it not due and does nothing; it fires at the new time, under a new job id', async () => {
    const { participantId, lineUserId } = await f.lineParticipant();
    const first = new Date(Date.now() + 60 * 60_000);
    const id = await add(pingSchedule(participantId, first));
    const moved = new Date(Date.now() + 1500);
    const changes = await f.transact((tx) => rescheduleSchedule(tx, id, moved, f.timing));
    await f.schedules().queue.apply(changes, new Date());
    expect(await f.schedules().queue.queue.getJob(scheduleJobId({ scheduleId: id, runAt: first }))).toBeUndefined();
    expect(await f.schedules().queue.queue.getJob(scheduleJobId({ scheduleId: id, runAt: moved }))).toBeDefined();
    await eventually(async () => (await schedule(id)).status === 'done');
    // The job made for the old time, had it survived, runs at that time: the schedule is done.
    await runJob({ scheduleId: id, runAt: first.getTime() }, new Date(first.getTime() + 1));
    await eventually(async () => pushedTexts(lineUserId).length === 1);
    expect(await rowsFor(participantId)).toHaveLength(1);
  });

  it('moved later: the job made for the earlier time finds it not yet due and writes nothing', async () => {
    const { participantId } = await f.lineParticipant();
    const first = new Date(Date.now() + 60 * 60_000);
    const id = await add(pingSchedule(participantId, first));
    const later = new Date(first.getTime() + 24 * 60 * 60_000);
    await f.schedules().queue.apply(await f.transact((tx) => rescheduleSchedule(tx, id, later, f.timing)), new Date());
    await runJob({ scheduleId: id, runAt: first.getTime() }, new Date(first.getTime() + 1));
    expect(await schedule(id)).toMatchObject({ status: 'pending', runAt: later });
    expect(await rowsFor(participantId)).toEqual([]);
  });

  it('cancelled: its job is removed, and a job that runs anyway sends nothing', async () => {
    const { participantId } = await f.lineParticipant();
    const runAt = new Date(Date.now() + 60 * 60_000);
    const id = await add(pingSchedule(participantId, runAt));
    await f.schedules().queue.apply(await f.transact((tx) => cancelSchedule(tx, id)), new Date());
    expect(await f.schedules().queue.queue.getJob(scheduleJobId({ scheduleId: id, runAt }))).toBeUndefined();
    await runJob({ scheduleId: id, runAt: runAt.getTime() }, new Date(runAt.getTime() + 1));
    expect((await schedule(id)).status).toBe('cancelled');
    expect(await rowsFor(participantId)).toEqual([]);
  });

  it('due inside quiet hours moves to their end unless urgent', async () => {
    const { participantId } = await f.lineParticipant();
    const night = new Date('2030-06-03T23:30:00+09:00');
    const quiet = await add(pingSchedule(participantId, night, { urgent: false, key: `quiet:${participantId}` }));
    const urgent = await add(pingSchedule(participantId, night, { urgent: true, key: `urgent:${participantId}` }));
    expect((await schedule(quiet)).runAt).toEqual(new Date('2030-06-04T09:00:00+09:00'));
    expect((await schedule(urgent)).runAt).toEqual(night);
    await f.schedules().queue.apply(await f.transact((tx) => cancelSchedule(tx, quiet)), new Date());
    await f.schedules().queue.apply(await f.transact((tx) => cancelSchedule(tx, urgent)), new Date());
  });

  it('with the same dedupe key is one schedule', async () => {
    const { participantId } = await f.lineParticipant();
    const input = pingSchedule(participantId, new Date(Date.now() + 60 * 60_000));
    await add(input);
    const again = await f.transact((tx) => scheduleReminder(tx, input, f.timing, new Date()));
    expect(again.add).toEqual([]);
    expect(await f.db.prisma.schedule.count({ where: { participantId } })).toBe(1);
  });
});

describe('the unfinished-application nudge', () => {
  it('goes only to people with a draft when it fires, in each one\'s language', async () => {
    const draft = await f.lineParticipant();
    const english = await f.lineParticipant();
    const submitted = await f.lineParticipant();
    const withdrawn = await f.lineParticipant();
    await application(draft.participantId, 'draft');
    await application(english.participantId, 'draft');
    await application(submitted.participantId, 'submitted');
    await application(withdrawn.participantId, 'withdrawn');
    await f.db.prisma.participant.update({ where: { id: english.participantId }, data: { language: 'en' } });
    const id = await add({ reminder: DRAFT_NUDGE, entity: 'contest', entityId: f.program.contest.id, slot: '7d', runAt: new Date(), urgent: true, dedupeKey: `nudge-test:${randomBytes(4).toString('hex')}` });
    await eventually(async () => (await schedule(id)).status === 'done');
    const rows = await f.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `schedule:${id}:` } } });
    expect(rows.map((r) => r.participantId).sort()).toEqual([draft.participantId, english.participantId].sort());
    await eventually(async () => pushedTexts(english.lineUserId).length === 1 && pushedTexts(draft.lineUserId).length === 1);
    const text = t('contest.reminder.draft', { name: { literal: f.program.contest.name }, deadline: { literal: { ja: '', en: '' } } });
    const [en] = pushedTexts(english.lineUserId);
    expect(en).toContain(translateText(text, 'en').split('. ')[0]);
    expect(en).toContain('Mar 2027');
    expect(pushedTexts(draft.lineUserId)[0]).toContain('応募がまだ完了していません');
    expect(pushedTexts(submitted.lineUserId)).toEqual([]);
    expect(pushedTexts(withdrawn.lineUserId)).toEqual([]);
    // The nudge offers the way back in: the menu's "continue" as a quick reply.
    const push = f.pushes().find((p) => p.to === english.lineUserId)!;
    const items = (push.request.body as { messages: Array<{ quickReply: { items: Array<{ action: { label: string } }> } }> }).messages[0]!.quickReply.items;
    expect(items.map((i) => i.action.label)).toEqual([translate('en', 'menu.continue')]);
  });

  it('the missing-document reminder goes only to applicants who submitted without the plan document', async () => {
    const without = await f.lineParticipant();
    const withDoc = await f.lineParticipant();
    const draft = await f.lineParticipant();
    await application(without.participantId, 'submitted');
    await application(withDoc.participantId, 'submitted', true);
    await application(draft.participantId, 'draft');
    const id = await add({ reminder: MISSING_DOCUMENT, entity: 'contest', entityId: f.program.contest.id, slot: '3d', runAt: new Date(), urgent: true, dedupeKey: `doc-test:${randomBytes(4).toString('hex')}` });
    await eventually(async () => (await schedule(id)).status === 'done');
    const rows = await f.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `schedule:${id}:` } } });
    const ours = new Set([without.participantId, withDoc.participantId, draft.participantId]);
    expect(rows.map((r) => r.participantId).filter((p) => ours.has(p))).toEqual([without.participantId]);
  });
});

describe('the event reminder', () => {
  it('goes to people registered when it fires: a cancelled or waitlisted registration gets none', async () => {
    const registered = await f.lineParticipant();
    const cancelled = await f.lineParticipant();
    const waitlisted = await f.lineParticipant();
    await registration(registered.participantId, 'registered');
    await registration(cancelled.participantId, 'registered');
    await registration(waitlisted.participantId, 'waitlisted');
    await f.db.prisma.participant.update({ where: { id: registered.participantId }, data: { language: 'en' } });
    // Scheduled while both hold a place; one cancels before it fires.
    const runAt = new Date(Date.now() + 60 * 60_000);
    const id = await add({ reminder: EVENT_DAY_BEFORE, entity: 'event', entityId: f.program.event!.id, slot: 'day-before', runAt, urgent: true, dedupeKey: `event-test:${randomBytes(4).toString('hex')}` });
    await f.db.prisma.eventRegistration.updateMany({ where: { participantId: cancelled.participantId }, data: { status: 'cancelled', cancelledAt: new Date() } });
    await f.schedules().queue.apply(await f.transact((tx) => rescheduleSchedule(tx, id, new Date(), f.timing)), new Date());
    await eventually(async () => (await schedule(id)).status === 'done');
    const rows = await f.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `schedule:${id}:` } } });
    expect(rows.map((r) => r.participantId)).toEqual([registered.participantId]);
    await eventually(async () => pushedTexts(registered.lineUserId).length === 1);
    const event = f.program.event!;
    const expected = translateText(t('event.reminder.dayBefore', { name: { literal: event.name }, when: eventWhen(event, f.program.timeZone), venue: { literal: event.venue } }), 'en');
    expect(pushedTexts(registered.lineUserId)).toEqual([expected]);
    expect(pushedTexts(cancelled.lineUserId)).toEqual([]);
    expect(pushedTexts(waitlisted.lineUserId)).toEqual([]);
  });
});

describe('program-derived schedules', () => {
  it('are planned from the program file, moved when the deadline moves, cancelled when a reminder is removed', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const run = (program: typeof f.program) => f.transact((tx) => syncProgramSchedules(tx, registry, program, now));
    // The fixture's worker synced them at start already: nothing new.
    expect(await run(f.program)).toMatchObject({ created: 0, moved: 0, cancelled: 0 });
    // The booths' per-slot reminders have their own test (test/consultations/reminders.test.ts): two per slot here.
    const boothReminders = await f.db.prisma.schedule.count({ where: { dedupeKey: { startsWith: 'program:' }, status: 'pending', entity: 'booth-slot' } });
    expect(boothReminders).toBe(2 * allSlots(f.program.booths!).length);
    const planned = await f.db.prisma.schedule.findMany({ where: { dedupeKey: { startsWith: 'program:' }, status: 'pending', entity: { not: 'booth-slot' } }, orderBy: { runAt: 'asc' } });
    expect(planned.map((s) => [s.reminder, s.slot, s.runAt.toISOString()])).toEqual([
      [EVENT_DAY_BEFORE, 'day-before', '2027-01-22T03:00:00.000Z'],
      [EVENT_BEFORE_START, '120m', '2027-01-23T02:00:00.000Z'],
      [MISSING_DOCUMENT, '3d', '2027-03-28T01:00:00.000Z'],
      [DRAFT_NUDGE, '7d', '2027-03-24T01:00:00.000Z'],
      [DRAFT_NUDGE, '1d', '2027-03-30T01:00:00.000Z'],
    ].sort((a, b) => a[2]!.localeCompare(b[2]!)));
    const later = { ...f.program, contest: { ...f.program.contest, deadline: '2027-04-30T23:59:59+09:00' },
      reminders: { ...f.program.reminders, applicationNudges: [{ daysBefore: 7, at: '10:00' }] } };
    const sync = await run(later);
    expect(sync).toMatchObject({ created: 0, moved: 2, cancelled: 1 });
    const nudge = await f.db.prisma.schedule.findFirstOrThrow({ where: { reminder: DRAFT_NUDGE, slot: '7d', dedupeKey: { startsWith: 'program:' } } });
    expect(nudge.runAt).toEqual(new Date('2027-04-23T10:00:00+09:00'));
    expect((await f.db.prisma.schedule.findFirstOrThrow({ where: { reminder: DRAFT_NUDGE, slot: '1d', dedupeKey: { startsWith: 'program:' } } })).status).toBe('cancelled');
    expect(sync.remove).toHaveLength(3);
    expect(sync.add).toHaveLength(2);
  });
});
