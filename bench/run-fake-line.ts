/**
 * The fake LINE platform in a process of its own, so its work is neither charged to the
 * system under test nor to the load generator. The load generator creates users and gets
 * reply tokens from it over IPC, as LINE would issue them, and hears about every message
 * the bot delivered (reply or push) so simulated users can wait for their answer.
 *
 * Env: LINE_CHANNEL_ACCESS_TOKEN (required); FAKE_LINE_RATE_LIMITS (optional), LINE's
 * per-endpoint limits to enforce as JSON, e.g. {"push":2000,"multicast":200} (a request
 * over them is answered 429, as LINE does).
 */
import type { Server } from 'node:http';
import express from 'express';
import { createFakeLineApi } from '../bot/console/fake-line-api.ts';
import { ja } from '../flows/catalog/ja.ts';
import type { Delivery, DeliveryKind } from './support/delivery.ts';
import { notifyParent, serveRequests } from './support/ipc.ts';

const token = process.env.LINE_CHANNEL_ACCESS_TOKEN;
if (!token) throw new Error('LINE_CHANNEL_ACCESS_TOKEN is required');

const markerOf = (template: string) => template.split('{')[0]!.slice(0, 16);
const SUBMITTED = markerOf(ja.submitted.split('\n')[1]!);
const ERROR = markerOf(ja['error.generic']);
const REPROMPTS = Object.entries(ja)
  .filter(([key]) => key.startsWith('reprompt.') || key === 'misunderstood')
  .map(([, text]) => markerOf(text))
  .filter((marker) => marker.length >= 4);

const { router, store } = createFakeLineApi({ channelAccessToken: token });
if (process.env.FAKE_LINE_RATE_LIMITS) store.enforceRateLimits(JSON.parse(process.env.FAKE_LINE_RATE_LIMITS) as Record<string, number>);
/** Messages each user received (by any endpoint): a count over one is a duplicate. */
const receivedBy = new Map<string, number>();
/** Requests by endpoint and status (`POST /v2/bot/message/push 200`). */
const statuses: Record<string, number> = {};
const tokenOwners = new Map<string, string>();
/** When the first and the last accepted push or multicast arrived (epoch ms): the sending phase. */
const sendWindow = { first: 0, last: 0 };
const counts = { reply: 0, push: 0, replyFailed: 0, byKind: { submitted: 0, error: 0, reprompt: 0, ok: 0 } };
/** Every API call the bot made, by endpoint (user and message ids folded). */
const calls: Record<string, number> = {};
let batch: Delivery[] = [];

// The transcript is kept for the console in the real fake; a benchmark only needs counts,
// and a transcript of a hundred thousand messages would grow this process without end.
store.appendBotMessage = (userId, input) => {
  receivedBy.set(userId, (receivedBy.get(userId) ?? 0) + 1);
  return { seq: 0, at: '', userId, from: 'bot', ...input };
};
store.recordRequest = (request) => {
  if (request.status === 200 && (request.path === '/v2/bot/message/push' || request.path === '/v2/bot/message/multicast')) {
    const now = Date.now();
    sendWindow.first ||= now;
    sendWindow.last = now;
  }
  const endpoint = `${request.method} ${request.path.replace(/\/[UCR][0-9a-f]{32}/, '/:userId').replace(/\/\d+\/content/, '/:messageId/content')}`;
  calls[endpoint] = (calls[endpoint] ?? 0) + 1;
  statuses[`${endpoint} ${request.status}`] = (statuses[`${endpoint} ${request.status}`] ?? 0) + 1;
  if (request.path === '/v2/bot/message/reply') {
    const body = request.body as { replyToken?: string; messages?: unknown[] } | undefined;
    const userId = tokenOwners.get(body?.replyToken ?? '');
    tokenOwners.delete(body?.replyToken ?? '');
    if (request.status !== 200 || !userId) return void (counts.replyFailed += 1);
    counts.reply += 1;
    deliver(userId, 'reply', body?.messages);
  } else if (request.path === '/v2/bot/message/push' && request.status === 200) {
    const body = request.body as { to: string; messages?: unknown[] };
    counts.push += 1;
    deliver(body.to, 'push', body.messages);
  }
};

function deliver(userId: string, via: 'reply' | 'push', messages: unknown): void {
  const text = JSON.stringify(messages ?? []);
  const kind: DeliveryKind = text.includes(SUBMITTED) ? 'submitted'
    : text.includes(ERROR) ? 'error'
      : REPROMPTS.some((marker) => text.includes(marker)) ? 'reprompt' : 'ok';
  counts.byKind[kind] += 1;
  if (batch.length === 0) setImmediate(flush);
  batch.push([userId, via, kind]);
}

function flush(): void {
  notifyParent('delivered', batch);
  batch = [];
}

const app = express();
app.disable('x-powered-by');
app.use(router);
const server: Server = app.listen(0, '127.0.0.1', () => {
  notifyParent('ready', { port: (server.address() as { port: number }).port, botUserId: store.botUserId });
});
server.keepAliveTimeout = 60_000;

serveRequests({
  /** New friends of the bot; returns their user ids. */
  users: ({ count }: { count: number }) =>
    Array.from({ length: count }, () => store.createUser({ displayName: 'ベンチ ユーザー', language: 'ja' }).userId),
  /** One fresh reply token per user id given, in order. */
  tokens: ({ userIds }: { userIds: string[] }) => userIds.map((userId) => {
    const replyToken = store.issueReplyToken(userId);
    tokenOwners.set(replyToken, userId);
    return replyToken;
  }),
  stats: () => ({ ...counts, calls, cpu: process.cpuUsage(), rss: process.memoryUsage().rss }),
  /** What users received: how many got anything, and how many got more messages than `expected` each. */
  received: ({ expected }: { expected: number }) => {
    let users = 0;
    let duplicates = 0;
    for (const count of receivedBy.values()) {
      users += 1;
      if (count > expected) duplicates += count - expected;
    }
    return { users, duplicates, statuses, refused: store.rateLimits.refused, sendWindow };
  },
  /** Forgets what users received and the counts (between benchmark cases). */
  resetReceived: () => {
    receivedBy.clear();
    Object.assign(sendWindow, { first: 0, last: 0 });
    for (const key of Object.keys(statuses)) delete statuses[key];
    for (const key of Object.keys(calls)) delete calls[key];
  },
  stop: () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  },
});
