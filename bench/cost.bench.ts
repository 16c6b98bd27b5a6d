/**
 * `npm run bench:cost`: what one participant's journey costs in billed LINE messages.
 * ouen runs with the worker against the fake LINE API (signed webhooks in, real
 * PostgreSQL and Redis), on a clock the benchmark moves through the season:
 *
 *   Dec 10  follows the account, starts the application (left as a draft), registers for the event
 *   Jan 22  the event reminder, the day before          (schedule)
 *   Jan 23  the event reminder, two hours before        (schedule)
 *   Mar 24  the unfinished-application nudge, 7 days    (schedule, to drafts only)
 *           taps "continue" on it, finishes and submits, document "later"
 *   Mar 28  the missing-plan-document reminder          (schedule, to applicants without one)
 *   Mar 30  the 1-day nudge fires, but not to this person (no draft any more)
 *   Apr 20  document screening result, approved and published (the judging publication)
 *
 * Billed messages are counted from the requests the fake LINE API received: one per push
 * recipient, one per multicast recipient; replies are free. Beside it, a naive
 * push-everything design: every answer pushed instead of replied, each message of it and
 * of each reminder in a push of its own.
 *
 * The naive column bills what ouen sends for free (each answer's messages) and what it
 * bills alike (the reminders and the result, one message each here).
 *
 * Options: --json (print the JSON) --check (exit 1 when a target is not met).
 */
import { parseArgs } from 'node:util';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import {
  answerPublication, closeRound, markDecision, openRound, publishDecisions, type JudgingDeps,
} from '../core/judging/judging.service.ts';
import { startHarness, eventually, type Harness } from '../test/support/ouen-harness.ts';
import { callbackBody, LineUser } from '../test/support/line-events.ts';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } } });

let now = new Date('2026-12-10T10:00:00+09:00');
const h: Harness = await startHarness({ clock: () => now });
const user = new LineUser(h.line);
const delivery = h.ouen.delivery!;

interface Step { at: string; what: string; answered: number; replies: number; billed: number; naive: number }
const steps: Step[] = [];
let seen = 0;
let answered = 0;

/** Counts the LINE requests since the last step. */
function record(what: string): void {
  const requests = h.line.requests.slice(seen).filter((r) => r.status === 200);
  seen = h.line.requests.length;
  let replies = 0;
  let billed = 0;
  let naive = 0;
  for (const r of requests) {
    const body = (r.body ?? {}) as { to?: string | string[]; messages?: unknown[] };
    const messages = body.messages?.length ?? 0;
    if (r.path === '/v2/bot/message/reply') {
      replies += 1;
      naive += messages;
    } else if (r.path === '/v2/bot/message/push') {
      billed += 1;
      naive += messages;
    } else if (r.path === '/v2/bot/message/multicast') {
      billed += (body.to as string[]).length;
      naive += messages;
    }
  }
  steps.push({ at: now.toISOString(), what, answered, replies, billed, naive });
  answered = 0;
}

async function say(...events: unknown[]): Promise<void> {
  for (const event of events) {
    const response = await h.post(callbackBody(h.line.botUserId, event as never));
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
    answered += 1;
    await h.settle();
  }
}

const pushesTo = () => h.line.requests.filter((r) => r.path === '/v2/bot/message/push' && r.status === 200).length;

/** Moves the clock and lets the schedules due by then fire; waits for `pushes` more pushes. */
async function timePasses(to: string, what: string, pushes: number): Promise<void> {
  now = new Date(to);
  const before = pushesTo();
  // BullMQ's delays run on the real clock: due jobs are promoted by hand (a job not yet due goes back to waiting).
  await delivery.schedules.queue.queue.promoteJobs();
  if (pushes > 0) await eventually(() => pushesTo() >= before + pushes, 30_000);
  else await new Promise((resolve) => setTimeout(resolve, 2000));
  record(what);
}

try {
  await delivery.schedules.ready;
  await say(user.follow());
  await say(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('notYet'), user.text('千葉 太郎'));
  record('follows; starts the application (6 answers), leaves it as a draft');
  await say(user.text('参加登録'), user.choose('yes'), user.choose('founder'), user.text('千葉 太郎'), user.choose('event-skip'),
    user.text('taro@example.jp'), user.choose('poster'), user.choose('event-register'));
  record('registers for the event (8 answers)');

  await timePasses('2027-01-22T12:00:30+09:00', 'event reminder, the day before', 1);
  await timePasses('2027-01-23T11:00:30+09:00', 'event reminder, two hours before', 1);
  await timePasses('2027-03-24T10:00:30+09:00', 'unfinished-application nudge, 7 days before', 1);

  const nudge = h.line.botMessages(user.userId).at(-1) as { quickReply?: { items: Array<{ action: { data?: string } }> } };
  const resume = nudge.quickReply?.items[0]?.action.data;
  if (!resume) throw new Error('the nudge has no continue button');
  await say({ ...user.choose('x'), postback: { data: resume } });
  await say(user.text('ちば たろう'), user.text('taro@example.jp'), user.text('090-1234-5678'), user.choose('30s'), user.choose('founder'),
    user.text('ちばラボ'), user.text('房総の工房'), user.choose('tourism'), user.text('空き家を工房にします。'), user.text('空き家の増加。'),
    user.choose('later'), user.choose('yes'), user.choose('sns'), user.choose('submit'));
  record('taps "continue", finishes and submits (15 answers)');

  await timePasses('2027-03-28T10:00:30+09:00', 'missing plan document reminder', 1);
  await timePasses('2027-03-30T10:00:30+09:00', '1-day nudge (not to this person: no draft)', 0);

  now = new Date('2027-04-20T10:00:00+09:00');
  const pool = h.db.sql;
  const deps: JudgingDeps = { db: sqlClient(pool), transact: transactOn(pool), sealer: h.ouen.sealer, program: h.ouen.program, clock: () => now };
  const [application] = await h.db.prisma.application.findMany({ where: { status: 'submitted' } });
  if (!application?.receiptNumber) throw new Error('the application was not submitted');
  await openRound(deps, 'discord:chair', 'document');
  await closeRound(deps, 'discord:chair', 'document');
  await markDecision(deps, 'discord:chair', 'document', application.receiptNumber, 'pass');
  const publication = await publishDecisions(deps, 'discord:chair', 'document');
  const before = pushesTo();
  const { released } = await answerPublication(deps, { actor: 'discord:approver', roles: ['approver'] }, publication.id, true);
  await delivery.outboxQueue.enqueue(released);
  await eventually(() => pushesTo() >= before + 1, 30_000);
  record('document screening result');
} finally {
  await h.close();
}

const total = steps.reduce((t, s) => ({ replies: t.replies + s.replies, billed: t.billed + s.billed, naive: t.naive + s.naive }), { replies: 0, billed: 0, naive: 0 });
const conversational = steps.filter((s) => s.answered > 0);
const targets = [
  { target: 'every conversational answer a free reply', met: conversational.every((s) => s.replies === s.answered && s.billed === 0) },
  { target: 'billed messages ≤ 5 per journey', met: total.billed <= 5 },
];

if (args.json) {
  console.log(JSON.stringify({ steps, total, targets }, null, 2));
} else {
  console.log('| when (JST) | step | webhook events | replies (free) | ouen: billed | naive push-everything: billed |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const s of steps) {
    const jst = new Date(Date.parse(s.at) + 9 * 3600_000).toISOString().slice(5, 16).replace('T', ' ');
    console.log(`| ${jst} | ${s.what} | ${s.answered} | ${s.replies} | ${s.billed} | ${s.naive} |`);
  }
  console.log(`| | **journey** | **${steps.reduce((n, s) => n + s.answered, 0)}** | **${total.replies}** | **${total.billed}** | **${total.naive}** |`);
  for (const t of targets) console.log(`${t.met ? 'met' : 'NOT MET'}: ${t.target}`);
}
if (args.check && targets.some((t) => !t.met)) process.exitCode = 1;
