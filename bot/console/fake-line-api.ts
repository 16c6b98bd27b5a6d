/**
 * A fake of LINE's Messaging API (and its data API, which shares the base URL here)
 * that speaks the official spec (`shared/specs/line/messaging-api.yml`): the same paths,
 * bodies, status codes and error shapes, for the endpoints ouen uses. The bot talks to
 * it through the unmodified `@line/bot-sdk` clients; the console shows what it received.
 *
 * @example
 * const fake = createFakeLineApi({ channelAccessToken: 'token' });
 * app.use(fake.router);           // SDK baseURL: http://127.0.0.1:PORT (the SDK drops any base path)
 * fake.store.botMessages(userId); // what the bot sent that user
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isUuid, messageId as newMessageId, quoteToken } from './line-ids.ts';
import { checkMessages, type LineErrorDetail } from './line-message-checks.ts';
import type { Logger } from '../../core/logger.ts';
import { FakeLineJournal, JournalInUseError } from './fake-line-journal.ts';
import { FakeLineStore, type FakeLineStoreOptions } from './fake-line-store.ts';
import { mountRichMenuRoutes } from './fake-rich-menu-routes.ts';

export { FakeLineStore } from './fake-line-store.ts';
export type { ConsoleUser, PushFault, RecordedApiRequest, RecordedWebhook, TranscriptEntry } from './fake-line-store.ts';

export interface FakeLineApiOptions {
  channelAccessToken: string;
  /** Share a store (or one with a test clock); a new one by default. */
  store?: FakeLineStore;
  /**
   * For a new store: where it keeps users and chats across restarts (fake-line-journal.ts);
   * memory only without, or when another process keeps a journal there.
   */
  journalDir?: string;
  /** Told when another process keeps the journal in `journalDir`, so this store lives in memory only. */
  logger?: Pick<Logger, 'warn'>;
}

/** Logged when a second process finds the console's journal kept by another. */
export const JOURNAL_IN_USE_WARNING =
  'another ouen process keeps the console\'s users and chats in this data directory: this one keeps its console users in memory only, and forgets them when it stops';

/** LINE rejects requests over 2 MB. */
const MAX_REQUEST = '2mb';
const CHAT_ID = /^[UCR][0-9a-f]{32}$/;
/** The data API's rich menu image upload (a path below `/v2`). */
const IMAGE_UPLOAD = /^\/bot\/richmenu\/[^/]+\/content$/;
const AUTHENTICATION_FAILED = 'Authentication failed. Confirm that the access token in the authorization header is valid.';
/** LINE's error messages for the statuses a push fault (fake-line-store.ts) can ask for. */
const FAULT_MESSAGES: Record<number, string> = {
  400: 'Failed to send messages',
  403: 'Access to this API is not available for your account',
  429: 'The API rate limit has been exceeded. Try again later.',
  500: 'Internal server error',
};
/** Message types a user can quote; LINE returns a quoteToken only for these. */
const QUOTABLE = new Set(['text', 'sticker', 'image', 'video']);

type Json = Record<string, unknown>;
type SentMessage = { id: string; quoteToken?: string };

/**
 * Everything is scoped to `/v2`, so the router can be mounted anywhere, the app's root
 * included, without answering (or demanding a token for) anything else.
 */
export function createFakeLineApi(options: FakeLineApiOptions): { router: Router; store: FakeLineStore; close(): void } {
  if (!options.channelAccessToken) throw new Error('createFakeLineApi needs the channel access token the bot uses');
  const journal = options.store ? {} : journalFor(options);
  const store = options.store ?? new FakeLineStore(journal);
  const router = express.Router();
  router.use('/v2', express.raw({ type: () => true, limit: MAX_REQUEST }), authenticateAndRecord(store, options.channelAccessToken));
  router.post('/v2/bot/message/reply', (_req, res) => reply(store, res));
  router.post('/v2/bot/message/push', (req, res) => push(store, req, res));
  router.post('/v2/bot/message/multicast', (req, res) => multicast(store, req, res));
  router.post('/v2/bot/chat/loading/start', (_req, res) => startLoading(store, res));
  router.get('/v2/bot/message/quota', (_req, res) => void res.json(quotaBody(store)));
  router.get('/v2/bot/message/quota/consumption', (_req, res) => void res.json({ totalUsage: store.billedThisMonth() }));
  router.get('/v2/bot/profile/:userId', (req, res) => profile(store, req.params.userId, res));
  router.get('/v2/bot/message/:messageId/content', (req, res) => content(store, req.params.messageId, res));
  mountRichMenuRoutes(router, store);
  router.use('/v2', (_req: Request, res: Response) => void res.status(404).json({ message: 'Not found' }));
  router.use('/v2', lineErrors);
  // Closing lets the journal's directory go to the next process at once, not at this one's exit.
  return { router, store, close: () => journal.journal?.close() };
}

/** The journal for a new store: one directory, one writing process (the first). */
function journalFor(options: FakeLineApiOptions): FakeLineStoreOptions {
  if (!options.journalDir) return {};
  try {
    return { journal: new FakeLineJournal(options.journalDir) };
  } catch (error) {
    if (!(error instanceof JournalInUseError)) throw error;
    options.logger?.warn({ holder: error.holder, dir: error.dir }, JOURNAL_IN_USE_WARNING);
    return {};
  }
}

/**
 * Checks the bearer token (401 first, as LINE does), parses the JSON body, and records
 * the request with its final status once answered.
 */
function authenticateAndRecord(store: FakeLineStore, channelAccessToken: string) {
  const expected = Buffer.from(`Bearer ${channelAccessToken}`);
  return (req: Request, res: Response, next: NextFunction) => {
    const raw: Buffer | undefined = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    const authorization = Buffer.from(req.get('authorization') ?? '');
    res.locals.authorized = authorization.length === expected.length && timingSafeEqual(authorization, expected);
    res.setHeader('x-line-request-id', randomUUID());
    let body: unknown;
    let malformed = false;
    // An image upload's body is the image itself: kept raw for its handler, recorded as bytes.
    const binary = req.method === 'POST' && IMAGE_UPLOAD.test(req.path);
    if (raw && !binary) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        malformed = true;
      }
    }
    res.locals.body = body;
    // Read now: once the request has left this `/v2` mount, express restores the full URL.
    const path = `/v2${req.path}`;
    res.on('finish', () => store.recordRequest({
      at: new Date(store.now()).toISOString(),
      method: req.method,
      path,
      headers: pick(req, ['content-type', 'x-line-retry-key']),
      authorized: res.locals.authorized as boolean,
      ...(raw ? { body: binary ? raw : malformed ? raw.toString('utf8') : body } : {}),
      status: res.statusCode,
    }));
    if (!res.locals.authorized) {
      return void res.status(401).json({ message: AUTHENTICATION_FAILED });
    }
    if (malformed) return void res.status(400).json({ message: 'The request body could not be parsed as JSON' });
    next();
  };
}

function reply(store: FakeLineStore, res: Response) {
  const body = asObject(res.locals.body);
  const details = [...requireString(body, 'replyToken'), ...checkMessages(body.messages)];
  if (details.length > 0) return badRequest(res, details);
  const userId = store.useReplyToken(body.replyToken as string);
  if (!userId) return void res.status(400).json({ message: 'Invalid reply token' });
  res.json({ sentMessages: deliver(store, userId, body.messages as unknown[], 'reply') });
}

function push(store: FakeLineStore, req: Request, res: Response) {
  if (!store.rateLimits.allow('push')) return void answerFault(res, 429);
  const fault = store.takePushFault();
  // A revoked token: LINE authenticates before it looks at anything else, the retry key included.
  if (fault?.status === 401) return void res.status(401).json({ message: AUTHENTICATION_FAILED });
  const retryKey = req.get('x-line-retry-key');
  if (retryKey !== undefined && !isUuid(retryKey)) {
    return void res.status(400).json({ message: 'The value of the X-Line-Retry-Key header is invalid' });
  }
  const body = asObject(res.locals.body);
  const details = [...requireString(body, 'to'), ...checkMessages(body.messages)];
  if (details.length > 0) return badRequest(res, details);
  if (retryKey !== undefined) {
    const accepted = store.acceptedRetryKey(retryKey);
    if (accepted) {
      res.setHeader('x-line-accepted-request-id', accepted.requestId);
      return void res.status(409).json({ message: 'The retry key is already accepted', sentMessages: accepted.sentMessages });
    }
  }
  const to = body.to as string;
  if (!CHAT_ID.test(to)) return void res.status(400).json({ message: "The property, 'to', in the request body is invalid (line: -, column: -)" });
  if (!store.user(to)) return void res.status(400).json({ message: 'Failed to send messages' });
  if (fault && !fault.delivered) return void answerFault(res, fault.status);
  const sentMessages = deliver(store, to, body.messages as unknown[], 'push');
  // Billed per recipient, whatever the bubbles; a user who blocked the account receives nothing and is not counted.
  if (!store.user(to)?.blocked) store.recordBilled(1);
  if (retryKey !== undefined) store.rememberRetryKey(retryKey, res.getHeader('x-line-request-id') as string, sentMessages);
  if (fault) return void answerFault(res, fault.status);
  res.json({ sentMessages });
}

/** MessageQuotaResponse: `value` only with `type: limited`. */
function quotaBody(store: FakeLineStore): { type: 'none' } | { type: 'limited'; value: number } {
  const limit = store.messageQuota;
  return limit === null ? { type: 'none' } : { type: 'limited', value: limit };
}

/**
 * POST /v2/bot/message/multicast: the same messages to up to 500 users. Unknown users and
 * users who blocked the account receive nothing, and LINE does not say so (200 {}). A
 * retry key accepted within 24 hours answers 409, and nothing is delivered again.
 */
function multicast(store: FakeLineStore, req: Request, res: Response) {
  if (!store.rateLimits.allow('multicast')) return void answerFault(res, 429);
  const fault = store.takeMulticastFault();
  if (fault?.status === 401) return void res.status(401).json({ message: AUTHENTICATION_FAILED });
  const retryKey = req.get('x-line-retry-key');
  if (retryKey !== undefined && !isUuid(retryKey)) {
    return void res.status(400).json({ message: 'The value of the X-Line-Retry-Key header is invalid' });
  }
  const body = asObject(res.locals.body);
  const details = [...checkRecipients(body.to), ...checkMessages(body.messages)];
  if (details.length > 0) return badRequest(res, details);
  if (retryKey !== undefined) {
    const accepted = store.acceptedRetryKey(retryKey);
    if (accepted) {
      res.setHeader('x-line-accepted-request-id', accepted.requestId);
      return void res.status(409).json({ message: 'The retry key is already accepted' });
    }
  }
  if (fault && !fault.delivered) return void answerFault(res, fault.status);
  for (const to of new Set(body.to as string[])) {
    if (!store.user(to)) continue;
    deliver(store, to, body.messages as unknown[], 'multicast');
    // Billed per recipient, as a push is; a blocked user is not billed.
    if (!store.user(to)?.blocked) store.recordBilled(1);
  }
  if (retryKey !== undefined) store.rememberRetryKey(retryKey, res.getHeader('x-line-request-id') as string, []);
  if (fault) return void answerFault(res, fault.status);
  res.json({});
}

/** A multicast's `to`: 1 to 500 user ids (MulticastRequest in the spec). */
function checkRecipients(to: unknown): LineErrorDetail[] {
  if (!Array.isArray(to) || to.length === 0) return [{ message: 'must be specified', property: 'to' }];
  if (to.length > 500) return [{ message: 'Size must be between 1 and 500', property: 'to' }];
  const invalid = to.findIndex((id) => typeof id !== 'string' || !/^U[0-9a-f]{32}$/.test(id));
  return invalid === -1 ? [] : [{ message: 'invalid user id', property: `to[${invalid}]` }];
}

function answerFault(res: Response, status: number) {
  res.status(status).json({ message: FAULT_MESSAGES[status] ?? (status >= 500 ? FAULT_MESSAGES[500] : 'Bad request') });
}

function startLoading(store: FakeLineStore, res: Response) {
  const body = asObject(res.locals.body);
  const details = requireString(body, 'chatId');
  // LINE's default when loadingSeconds is omitted.
  const seconds = body.loadingSeconds ?? 20;
  if (!isLoadingSeconds(seconds)) details.push({ message: 'Must be a multiple of 5 between 5 and 60', property: 'loadingSeconds' });
  if (details.length > 0 || !isLoadingSeconds(seconds)) return badRequest(res, details);
  const user = store.user(body.chatId as string);
  if (!user) return void res.status(400).json({ message: 'Invalid chatId' });
  // Someone who blocked the account sees nothing from it, the indicator included.
  if (!user.blocked) store.startLoading(user.userId, seconds);
  res.status(202).json({});
}

const isLoadingSeconds = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 5 && (value as number) <= 60 && (value as number) % 5 === 0;

function profile(store: FakeLineStore, userId: string, res: Response) {
  const user = store.user(userId);
  // LINE answers 404 for users who are not friends, including those who blocked the account.
  if (!user || user.blocked) return void res.status(404).json({ message: 'Not found' });
  res.json({ userId: user.userId, displayName: user.displayName, language: user.language });
}

function content(store: FakeLineStore, messageId: string, res: Response) {
  const file = store.file(messageId);
  if (!file) return void res.status(404).json({ message: 'Not found' });
  res.type(file.contentType).send(file.bytes);
}

/** Records the bot's messages in the chat (unless the user blocked the bot) and returns LINE's receipt. */
function deliver(store: FakeLineStore, userId: string, messages: unknown[], via: 'reply' | 'push' | 'multicast'): SentMessage[] {
  const delivered = !store.user(userId)?.blocked;
  return messages.map((message) => {
    const id = newMessageId();
    if (delivered) store.appendBotMessage(userId, { kind: 'message', via, messageId: id, message });
    const type = (message as Json).type as string;
    return QUOTABLE.has(type) ? { id, quoteToken: quoteToken() } : { id };
  });
}

function badRequest(res: Response, details: LineErrorDetail[]) {
  res.status(400).json({ message: `The request body has ${details.length} error(s)`, details });
}

function requireString(body: Json, property: string): LineErrorDetail[] {
  return typeof body[property] === 'string' && body[property] !== '' ? [] : [{ message: 'must be specified', property }];
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function pick(req: Request, names: Array<'content-type' | 'x-line-retry-key'>): RecordedHeaders {
  return Object.fromEntries(names.flatMap((name) => (req.get(name) === undefined ? [] : [[name, req.get(name)]])));
}

type RecordedHeaders = { 'content-type'?: string; 'x-line-retry-key'?: string };

/** Body-parser failures (413 over 2 MB, …) in LINE's error shape. */
function lineErrors(error: { status?: number; expose?: boolean; message?: string }, _req: Request, res: Response, _next: NextFunction) {
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  res.status(status).json({ message: status === 413 ? 'Request entity too large' : status === 500 ? 'Internal server error' : error.message ?? 'Bad request' });
}
