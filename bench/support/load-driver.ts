/**
 * Drives simulated users against a webhook: one text-message event per request, each
 * user strictly in order (the next message only after the bot answered the previous one,
 * as a person would). Two shapes of load:
 *
 * - closed loop: every user sends as soon as it has its answer; throughput is what the
 *   whole flow sustains, counted as answers delivered to the fake LINE API;
 * - open loop: events start at a fixed rate whatever happens, from users who are idle;
 *   acknowledgement latency is then not hidden by the generator slowing down.
 */
import { callbackBody, postbackEvent, textMessageEvent, type WebhookEvent } from '../../bot/console/webhook-events.ts';
import { messageId, quoteToken } from '../../bot/console/line-ids.ts';
import { Latencies } from './latency.ts';
import type { Delivered, LinePlatform } from './line-platform.ts';
import { SimulatedUser, STEPS_PER_APPLICATION, type Answer } from './simulated-user.ts';
import type { WebhookPoster } from './webhook-poster.ts';

/** What one phase saw inside its measurement window. */
export class PhaseRecord {
  readonly ack = new Latencies();
  /** From sending an event to the bot's answer reaching the fake LINE API. */
  readonly turn = new Latencies();
  /** Open loop only: how late each event left compared with its schedule. */
  readonly lag = new Latencies();
  readonly statuses: Record<string, number> = {};
  readonly delivered: Record<string, number> = {};
  sent = 0;
  acked = 0;
  answered = 0;
  /** Open loop: events due while every user was still waiting for an answer. */
  starved = 0;
  windowStart = Infinity;
  windowEnd = Infinity;

  inWindow(at: number): boolean {
    return at >= this.windowStart && at < this.windowEnd;
  }
}

export class LoadDriver {
  #inFlight = new Set<Promise<void>>();

  /**
   * `typedOnly`: send button answers as their typed label too, for a bot that answers
   * text messages only (the echo bot), so every event gets an answer.
   */
  constructor(
    private readonly poster: WebhookPoster,
    private readonly platform: LinePlatform,
    private readonly destination: string,
    private readonly typedOnly = false,
  ) {}

  async createUsers(count: number): Promise<SimulatedUser[]> {
    return Promise.all(Array.from({ length: count }, async () => {
      const user = new SimulatedUser();
      user.becomeNew(await this.platform.newUser());
      return user;
    }));
  }

  /** One event from one user, through to the bot's answer. */
  async turn(user: SimulatedUser, record: PhaseRecord): Promise<Delivered | null> {
    if (user.needsNewIdentity) user.becomeNew(await this.platform.newUser());
    const replyToken = await this.platform.token(user.userId);
    const body = JSON.stringify(callbackBody(this.destination, eventFor(user.userId, this.typedOnly && typeof user.answer !== 'string' ? user.answer.label : user.answer, replyToken)));
    const waiter = this.platform.expect(user.userId);
    const sentAt = performance.now();
    const counted = record.inWindow(sentAt);
    if (counted) record.sent += 1;
    const ack = await this.poster.post(body);
    if (counted) {
      record.ack.add(ack.ms);
      const status = ack.error ? `${ack.status}:${ack.error}` : String(ack.status);
      record.statuses[status] = (record.statuses[status] ?? 0) + 1;
    }
    if (record.inWindow(performance.now())) record.acked += 1;
    if (ack.status !== 200) {
      waiter.cancel();
      // Shed (503) or refused: a real LINE would redeliver later; back off and resend.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return null;
    }
    const delivered = await waiter.delivered;
    user.heard(delivered.kind);
    if (record.inWindow(delivered.at)) {
      record.answered += 1;
      record.delivered[delivered.kind] = (record.delivered[delivered.kind] ?? 0) + 1;
    }
    if (counted) record.turn.add(delivered.at - sentAt);
    return delivered;
  }

  /**
   * Walks user i through (i × 7) mod STEPS answers, unmeasured, so the measured phases see
   * applicants at every step (submissions included) instead of 1,000 people all at the
   * start. Stops at `maxMs`; users not there yet simply continue from where they are.
   */
  async spread(users: SimulatedUser[], maxMs: number): Promise<void> {
    const record = new PhaseRecord();
    const deadline = performance.now() + maxMs;
    await Promise.all(users.map(async (user, i) => {
      const target = (i * 7) % STEPS_PER_APPLICATION;
      while (user.step < target && !user.needsNewIdentity && performance.now() < deadline) await this.turn(user, record);
    }));
  }

  /** Every user sends as fast as its answers come back, for `warmupMs + measureMs`. */
  async closedLoop(users: SimulatedUser[], warmupMs: number, measureMs: number, record: PhaseRecord): Promise<void> {
    const start = performance.now();
    record.windowStart = start + warmupMs;
    record.windowEnd = record.windowStart + measureMs;
    await Promise.all(users.map(async (user) => {
      while (performance.now() < record.windowEnd) await this.turn(user, record);
    }));
  }

  /** `rate` events per second from idle users for `durationMs`, all of it measured. */
  async openLoop(users: SimulatedUser[], rate: number, durationMs: number, record: PhaseRecord): Promise<void> {
    const idle = [...users];
    const start = performance.now();
    record.windowStart = start;
    record.windowEnd = start + durationMs;
    let due = 0;
    while (performance.now() < record.windowEnd) {
      const shouldHaveSent = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; due < shouldHaveSent; due++) {
        const user = idle.shift();
        if (!user) {
          record.starved += 1;
          continue;
        }
        record.lag.add(performance.now() - (start + (due / rate) * 1000));
        // A turn fails only when a helper process is gone (shutting down): count it, go on.
        this.#track(this.turn(user, record).then(() => void idle.push(user), () => {
          record.statuses['load generator error'] = (record.statuses['load generator error'] ?? 0) + 1;
        }));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(this.#inFlight);
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }
}

function eventFor(userId: string, answer: Answer, replyToken: string): WebhookEvent {
  if (typeof answer === 'string') {
    return textMessageEvent(userId, Date.now(), replyToken, { id: messageId(), text: answer, quoteToken: quoteToken() });
  }
  return postbackEvent(userId, Date.now(), replyToken, { data: answer.postback });
}
