/**
 * `npm run bench:booking`: 500 registered attendees book seminars and consultations at
 * once, through signed webhooks against ouen running alone in its process (web + worker,
 * as `ouen start` runs it) on real PostgreSQL and Redis, the fake LINE API in a process of
 * its own. See BENCHMARKS.md "Issue 11".
 *
 * Phases, all with the same people:
 * 1. registration (not measured): each person registers for the event by conversation;
 * 2. baseline: everyone at once sends as many non-booking messages as a booking takes
 *    (the menu, their registration), each message after the previous answer;
 * 3. the rush: everyone at once books a seminar (3 messages) and a consultation
 *    (5 messages: the booth, a time, the intake, the confirmation). Person i aims at
 *    seminar i mod 3 and at a time of booth i mod 3, so every seat and slot is fought for.
 *
 * Reported: bookings/s, p50/p99 from each event to its answer at the fake LINE API, per
 * phase, the contention ratio (rush p99 ÷ baseline p99), how long the whole rush took,
 * and overbooking read from the database (seats held beyond capacity, slots booked
 * beyond capacity, a person holding two live bookings of one seminar): must be 0.
 *
 * Options: --users N (500) --check (exit 1 when a target is not met) --query-stats (SQL
 * statements of each measured phase by total time; slows ouen slightly).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { callbackBody, postbackEvent, textMessageEvent } from '../bot/console/webhook-events.ts';
import { messageId, quoteToken } from '../bot/console/line-ids.ts';
import { Latencies } from './support/latency.ts';
import type { QueryStat } from './support/query-stats.ts';
import { startOuenSystem, type RunningSystem } from './support/systems.ts';

const { values: args } = parseArgs({
  options: { users: { type: 'string', default: '500' }, check: { type: 'boolean', default: false }, 'query-stats': { type: 'boolean', default: false } },
});
const USERS = Number(args.users);
const root = fileURLToPath(new URL('..', import.meta.url));
const runDir = join(root, 'bench', 'results', `booking-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(runDir, { recursive: true });

/** A typed text, or a tapped button (its postback data). */
type Answer = string | { postback: string };
const tap = (value: string): Answer => ({ postback: `c:${value}` });

interface Phase {
  turns: Latencies;
  /** The same latencies by position in the person's script (which message is slow). */
  bySteps: Latencies[];
  answered: number;
  /** Answers that were the apology for a failed turn. */
  errors: number;
  /** Answers that asked again (the script and the conversation disagreed, or a place was gone). */
  reprompts: number;
  startedAt: number;
  endedAt: number;
}

const program = JSON.parse(readFileSync(join(root, 'core', 'program', 'default-program.json'), 'utf8')) as {
  event: { registration: { capacity: number } };
  seminars: { list: Array<{ id: string }> };
  booths: { booths: Array<{ id: string }> };
};
// Everyone registered holds a place: the bench is about seminars and booths, not the event's waitlist.
program.event.registration.capacity = Math.max(program.event.registration.capacity, USERS);
const programFile = join(runDir, 'program.json');
writeFileSync(programFile, JSON.stringify(program));

console.log(`booking rush: ${USERS} people; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const system = await startOuenSystem({ logFile: join(runDir, 'ouen.log'), programFile, queryStats: args['query-stats'] });
const pool = new pg.Pool({ connectionString: system.database!.url, max: 2 });
let failed = false;
try {
  const users = await Promise.all(Array.from({ length: USERS }, () => system.platform.newUser()));

  const registration = await runPhase(system, users, (_, i) => [
    '参加登録', tap('yes'), tap('founder'), `ベンチ ${i}`, tap('event-skip'), `bench${i}@example.jp`, tap('poster'), tap('event-register'),
  ]);
  const registered = await count(`SELECT count(*)::int AS n FROM "EventRegistration" WHERE "status" = 'registered'`);
  console.log(`registered: ${registered}/${USERS} (${((registration.endedAt - registration.startedAt) / 1000).toFixed(1)} s, not measured)`);
  if (registered !== USERS) throw new Error('not everyone registered: the registration script and the flow disagree (see ouen.log)');

  const slots = await pool.query<{ id: string; boothId: string }>(
    `SELECT "id", "boothId" FROM "BoothSlot" WHERE "retiredAt" IS NULL ORDER BY "boothId", "startsAt"`);
  const slotsOf = (boothId: string) => slots.rows.filter((s) => s.boothId === boothId);
  const seminarIds = program.seminars.list.map((s) => s.id);
  const boothIds = program.booths.booths.map((b) => b.id);

  await takeQueryStats();
  const baseline = await runPhase(system, users, () => ['メニュー', '参加登録確認', 'メニュー', '参加登録確認', 'メニュー', '参加登録確認', 'メニュー', '参加登録確認']);
  const baselineQueries = await takeQueryStats();
  const rush = await runPhase(system, users, (_, i) => {
    const seminar = seminarIds[i % seminarIds.length]!;
    const booth = boothIds[i % boothIds.length]!;
    const boothSlots = slotsOf(booth);
    const slot = boothSlots[Math.floor(i / boothIds.length) % boothSlots.length]!;
    return [
      'セミナー予約', tap(`seminar-pick:${seminar}`), tap(`seminar-book:${seminar}`),
      '相談予約', tap(`consult-booth:${booth}`), tap(`consult-slot:${slot.id}`), '資金調達について相談したいです', tap('consult-book'),
    ];
  });

  const rushQueries = await takeQueryStats();
  const outcome = await outcomes();
  const rushSeconds = (rush.endedAt - rush.startedAt) / 1000;
  const bookingsPerSecond = (outcome.seminarBooked + outcome.seminarWaitlisted + outcome.consultations) / rushSeconds;
  const [base, busy] = [baseline.turns.summary(), rush.turns.summary()];
  const ratio = busy.p99 / base.p99;
  const rows = [['baseline (non-booking)', baseline], ['rush (booking)', rush]] as const;
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('| phase | messages | answered | apologies | asked again | wall | p50 | p99 | max |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [name, phase] of rows) {
    const { count: messages, p50, p99, max } = phase.turns.summary();
    console.log(`| ${name} | ${messages} | ${phase.answered} | ${phase.errors} | ${phase.reprompts} | ${((phase.endedAt - phase.startedAt) / 1000).toFixed(2)} s | ${p50} ms | ${p99} ms | ${max} ms |`);
  }
  for (const [name, phase] of rows) {
    console.log(`${name}, p50 / p99 by message: ${phase.bySteps.map((l, n) => `${n + 1}: ${l.summary().p50} / ${l.summary().p99}`).join(', ')} (ms)`);
  }
  console.log(`\nseminars: ${outcome.seminarBooked} booked + ${outcome.seminarOffered} offered (of ${outcome.seminarCapacity} seats), ${outcome.seminarWaitlisted} waitlisted`);
  console.log(`consultations: ${outcome.consultations} booked (of ${outcome.slotCapacity} places in ${slots.rows.length} slots)`);
  console.log(`bookings/s: ${bookingsPerSecond.toFixed(1)} (seats, waitlist places and consultations taken during the ${rushSeconds.toFixed(2)} s rush)`);
  console.log(`overbooking: ${outcome.overbooked} (seminars over capacity ${outcome.seminarsOver}, slots over capacity ${outcome.slotsOver}, people with two live bookings of one seminar ${outcome.doubleSeminar}, consultation held twice in a slot ${outcome.doubleSlot})`);
  console.log(`contention ratio (rush p99 ÷ baseline p99): ${ratio.toFixed(2)}`);
  for (const [name, stats] of [['baseline', baselineQueries], ['rush', rushQueries]] as const) {
    if (stats.length === 0) continue;
    console.log(`\nSQL in the ${name}, by total time (top 12):`);
    for (const q of stats.sort((a, b) => b.totalMs - a.totalMs).slice(0, 12)) {
      console.log(`${q.totalMs.toFixed(0).padStart(7)} ms ${String(q.calls).padStart(6)}×  ${q.sql.slice(0, 110)}`);
    }
  }
  const verdicts = [
    ['0 overbooking', outcome.overbooked === 0],
    ['the whole rush answered in under 10 s', rushSeconds < 10 && rush.answered === rush.turns.count],
    ['contention ratio ≤ 2', ratio <= 2],
  ] as const;
  for (const [target, met] of verdicts) console.log(`${met ? 'met' : 'NOT met'}: ${target}`);
  failed = args.check && verdicts.some(([, met]) => !met);
} finally {
  await pool.end().catch(() => undefined);
  await system.stop();
}
process.exit(failed ? 1 : 0);

/** Everyone at once; each person's messages one after another, each after the previous answer. */
async function runPhase(running: RunningSystem, users: string[], script: (userId: string, i: number) => Answer[]): Promise<Phase> {
  const phase: Phase = { turns: new Latencies(), bySteps: [], answered: 0, errors: 0, reprompts: 0, startedAt: performance.now(), endedAt: 0 };
  await Promise.all(users.map(async (userId, i) => {
    for (const [step, answer] of script(userId, i).entries()) await turn(running, userId, answer, phase, (phase.bySteps[step] ??= new Latencies()));
  }));
  phase.endedAt = performance.now();
  return phase;
}

async function turn(running: RunningSystem, userId: string, answer: Answer, phase: Phase, step: Latencies): Promise<void> {
  const replyToken = await running.platform.token(userId);
  const event = typeof answer === 'string'
    ? textMessageEvent(userId, Date.now(), replyToken, { id: messageId(), text: answer, quoteToken: quoteToken() })
    : postbackEvent(userId, Date.now(), replyToken, { data: answer.postback });
  const waiter = running.platform.expect(userId);
  const sentAt = performance.now();
  const ack = await running.poster.post(JSON.stringify(callbackBody(running.destination, event)));
  if (ack.status !== 200) {
    waiter.cancel();
    throw new Error(`webhook answered ${ack.status}`);
  }
  const delivered = await waiter.delivered;
  phase.turns.add(delivered.at - sentAt);
  step.add(delivered.at - sentAt);
  phase.answered += 1;
  if (delivered.kind === 'error') phase.errors += 1;
  if (delivered.kind === 'reprompt') phase.reprompts += 1;
}

/** The statements ouen ran since the last call (empty without --query-stats). */
async function takeQueryStats(): Promise<QueryStat[]> {
  return args['query-stats'] ? await system.sut.request<QueryStat[]>('queryStats') : [];
}

async function count(sql: string): Promise<number> {
  return (await pool.query<{ n: number }>(sql)).rows[0]!.n;
}

async function outcomes() {
  const seminar = (await pool.query<{ booked: number; offered: number; waitlisted: number; capacity: number; over: number }>(`
    SELECT coalesce(sum(b.booked), 0)::int AS booked, coalesce(sum(b.offered), 0)::int AS offered, coalesce(sum(b.waitlisted), 0)::int AS waitlisted,
           sum(s."capacity")::int AS capacity, count(*) FILTER (WHERE coalesce(b.booked, 0) + coalesce(b.offered, 0) > s."capacity")::int AS over
    FROM "Seminar" s LEFT JOIN (
      SELECT "seminarId", count(*) FILTER (WHERE "status" = 'booked') AS booked, count(*) FILTER (WHERE "status" = 'offered') AS offered,
             count(*) FILTER (WHERE "status" = 'waitlisted') AS waitlisted
      FROM "SeminarBooking" GROUP BY "seminarId") b ON b."seminarId" = s."id"`)).rows[0]!;
  const slot = (await pool.query<{ booked: number; capacity: number; over: number }>(`
    SELECT coalesce(sum(c.booked), 0)::int AS booked, sum(s."capacity")::int AS capacity,
           count(*) FILTER (WHERE coalesce(c.booked, 0) > s."capacity")::int AS over
    FROM "BoothSlot" s LEFT JOIN (
      SELECT "slotId", count(*) AS booked FROM "Consultation" WHERE "status" = 'booked' GROUP BY "slotId") c ON c."slotId" = s."id"
    WHERE s."retiredAt" IS NULL`)).rows[0]!;
  const doubleSeminar = await count(`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "SeminarBooking" WHERE "status" IN ('booked', 'waitlisted', 'offered')
    GROUP BY "seminarId", "participantId" HAVING count(*) > 1) d`);
  const doubleSlot = await count(`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "Consultation" WHERE "status" = 'booked' GROUP BY "slotId", "participantId" HAVING count(*) > 1) d`);
  return {
    seminarBooked: seminar.booked, seminarOffered: seminar.offered, seminarWaitlisted: seminar.waitlisted, seminarCapacity: seminar.capacity,
    consultations: slot.booked, slotCapacity: slot.capacity,
    seminarsOver: seminar.over, slotsOver: slot.over, doubleSeminar, doubleSlot,
    overbooked: seminar.over + slot.over + doubleSeminar + doubleSlot,
  };
}
