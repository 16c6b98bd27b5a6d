/**
 * Everything the fake LINE platform knows: the simulated users (friends of the bot), each
 * chat's transcript, reply tokens, retry keys, loading indicators, the files users sent,
 * every raw API request the bot made and every webhook the console delivered. The
 * console writes the user's side; the fake API writes the bot's side.
 *
 * With a journal (local mode: `OUEN_DATA_DIR/console`), what LINE would still know after
 * ouen restarts survives it too: users, chats, live reply tokens and retry keys, files.
 * The recorded requests and webhooks (for tests) and loading indicators do not.
 */
import type { ConsoleLanguage, ConsoleUser, TranscriptEntry, UserAction } from './fake-line-chat.ts';
import type { FakeLineJournal, JournalRecord } from './fake-line-journal.ts';
import { FakeRichMenus } from './fake-rich-menus.ts';
import { FakeRateLimits, type RateLimitedEndpoint } from './fake-rate-limit.ts';
import { lineUserId, replyToken as newReplyToken } from './line-ids.ts';

export type { ConsoleLanguage, ConsoleUser, TranscriptEntry, UserAction } from './fake-line-chat.ts';

/** A request the bot made to the fake API, kept verbatim so tests can hold it against the spec. */
export interface RecordedApiRequest {
  at: string;
  method: string;
  /** Path below the API's base URL, e.g. `/v2/bot/message/push`. */
  path: string;
  headers: { 'content-type'?: string; 'x-line-retry-key'?: string };
  /** Whether the `Authorization: Bearer` token matched. */
  authorized: boolean;
  /** Parsed JSON; raw bytes (a Buffer) for an image upload. */
  body?: unknown;
  status: number;
}

/** A webhook request the console sent to the bot. */
export interface RecordedWebhook {
  at: string;
  body: unknown;
  status: number;
  durationMs: number;
}

export interface StoredFile {
  messageId: string;
  userId: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * A push the fake answers with `status` instead of doing its work (tests of delivery
 * failures); `delivered`: LINE delivered the message and accepted its retry key all the
 * same, and only the answer failed (what a 5xx or a timeout can hide).
 */
export interface PushFault {
  status: number;
  delivered?: boolean;
}

export interface FakeLineStoreOptions {
  /** Milliseconds since the epoch; replaceable so tests can age reply tokens. */
  now?: () => number;
  /** Keeps the lasting state across restarts; without one, everything is in memory only. */
  journal?: FakeLineJournal;
}

/** LINE: "Reply tokens … must be used within one minute of receiving the webhook." */
export const REPLY_TOKEN_TTL_MS = 60_000;
/** Enough for any test; a console left running for days does not grow without bound. */
const MAX_RECORDED = 10_000;
/** Chat lines kept (the oldest go first): about a hundred whole applications. */
export const MAX_TRANSCRIPT = 5_000;
/** Files users sent that are kept (the oldest go first); LINE itself lets content expire. */
export const MAX_FILES = 100;
/** LINE keeps retry keys for 24 hours. */
export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

type UserEntryInput = UserAction;
type BotEntryInput = { kind: 'message'; via: 'reply' | 'push' | 'multicast'; messageId: string; message: unknown };
type FileMeta = Omit<StoredFile, 'bytes'> & { bytes?: Buffer };

/** In-memory state of the fake platform; tests read `requests`, `webhooks` and `botMessages()` from it. */
export class FakeLineStore {
  /** The bot's own user id: the webhook's `destination`. */
  botUserId = lineUserId();
  readonly requests: RecordedApiRequest[] = [];
  readonly webhooks: RecordedWebhook[] = [];
  /** Rich menus, their images, the default and each user's link (fake-rich-menus.ts). */
  readonly richMenus = new FakeRichMenus();
  readonly now: () => number;

  readonly #users = new Map<string, ConsoleUser>();
  readonly #transcript: TranscriptEntry[] = [];
  readonly #replyTokens = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  readonly #retryKeys = new Map<string, { requestId: string; acceptedAt: number; sentMessages: unknown[] }>();
  readonly #loadingUntil = new Map<string, number>();
  readonly #files = new Map<string, FileMeta>();
  readonly #pushFaults: PushFault[] = [];
  /** Billed recipients by month (`YYYY-MM`, Japan time); memory only: a restarted console starts the month afresh. */
  readonly #billed = new Map<string, number>();
  #quotaLimit: number | null = null;
  readonly #multicastFaults: PushFault[] = [];
  /** LINE's rate limits, when enforced (`enforceRateLimits`); `rateLimits.refused` counts the 429s. */
  readonly rateLimits: FakeRateLimits;
  readonly #journal?: FakeLineJournal;
  #seq = 0;

  constructor(options: FakeLineStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.rateLimits = new FakeRateLimits(this.now);
    this.#journal = options.journal;
    if (this.#journal) {
      for (const record of this.#journal.read()) this.#replay(record);
      this.#compact();
    }
  }

  createUser(input: { displayName: string; language: ConsoleLanguage }): ConsoleUser {
    const user: ConsoleUser = { userId: lineUserId(), ...input, blocked: false, createdAt: new Date(this.now()).toISOString() };
    this.#users.set(user.userId, user);
    this.#record({ t: 'user', user });
    return { ...user };
  }

  user(userId: string): ConsoleUser | undefined {
    const user = this.#users.get(userId);
    return user ? { ...user } : undefined;
  }

  users(): ConsoleUser[] {
    return [...this.#users.values()].map((user) => ({ ...user }));
  }

  setBlocked(userId: string, blocked: boolean): void {
    const user = this.#users.get(userId);
    if (!user) return;
    user.blocked = blocked;
    this.#record({ t: 'blocked', userId, blocked });
  }

  issueReplyToken(userId: string): string {
    const token = newReplyToken();
    const issuedAt = this.now();
    this.#replyTokens.set(token, { userId, issuedAt, used: false });
    this.#record({ t: 'token', token, userId, issuedAt });
    return token;
  }

  /** Spends a reply token: the user it was issued for, or null if unknown, used or expired. */
  useReplyToken(token: string): string | null {
    const issued = this.#replyTokens.get(token);
    if (!issued || issued.used || this.now() - issued.issuedAt > REPLY_TOKEN_TTL_MS) return null;
    issued.used = true;
    this.#record({ t: 'tokenUsed', token });
    return issued.userId;
  }

  /** The earlier acceptance of a retry key, if it is still remembered. */
  acceptedRetryKey(key: string): { requestId: string; sentMessages: unknown[] } | undefined {
    const accepted = this.#retryKeys.get(key);
    if (!accepted || this.now() - accepted.acceptedAt > RETRY_KEY_TTL_MS) return undefined;
    return accepted;
  }

  rememberRetryKey(key: string, requestId: string, sentMessages: unknown[]): void {
    const acceptedAt = this.now();
    this.#retryKeys.set(key, { requestId, acceptedAt, sentMessages });
    this.#record({ t: 'retryKey', key, requestId, acceptedAt, sentMessages });
  }

  /**
   * The next pushes, one fault each, in order, whatever they carry: a fault injection for
   * tests (never journaled). Later pushes are answered normally.
   *
   * @example
   * store.failNextPushes({ status: 500, delivered: true }, { status: 401 });
   */
  failNextPushes(...faults: PushFault[]): void {
    this.#pushFaults.push(...faults);
  }

  /**
   * The month's target limit the fake reports (GET /v2/bot/message/quota): a number for
   * `type: limited`, null for `type: none` (the default).
   */
  setMessageQuota(limit: number | null): void {
    this.#quotaLimit = limit;
  }

  get messageQuota(): number | null {
    return this.#quotaLimit;
  }

  /** Counts billed recipients (a delivered push: one; a multicast: one per recipient delivered to). */
  recordBilled(recipients: number): void {
    const month = billingMonth(this.now());
    this.#billed.set(month, (this.#billed.get(month) ?? 0) + recipients);
  }

  /** Billed recipients this month (GET /v2/bot/message/quota/consumption). */
  billedThisMonth(): number {
    return this.#billed.get(billingMonth(this.now())) ?? 0;
  }

  /** The fault for the push being answered now, if one is due (fake-line-api.ts). */
  takePushFault(): PushFault | undefined {
    return this.#pushFaults.shift();
  }

  /** As {@link failNextPushes}, for multicasts. */
  failNextMulticasts(...faults: PushFault[]): void {
    this.#multicastFaults.push(...faults);
  }

  takeMulticastFault(): PushFault | undefined {
    return this.#multicastFaults.shift();
  }

  /**
   * Answers requests over LINE's per-endpoint limits (requests a second) with 429, as
   * LINE does; off by default. `{}` turns it off again.
   *
   * @example
   * store.enforceRateLimits({ push: 2000, multicast: 200 });
   */
  enforceRateLimits(limits: Partial<Record<RateLimitedEndpoint, number>>): void {
    this.rateLimits.set(limits);
  }

  appendUserEntry(userId: string, action: UserEntryInput): TranscriptEntry {
    return this.#append({ userId, from: 'user', ...action });
  }

  appendBotMessage(userId: string, input: BotEntryInput): TranscriptEntry {
    // LINE hides the loading indicator as soon as a message from the bot arrives.
    this.#loadingUntil.delete(userId);
    return this.#append({ userId, from: 'bot', ...input });
  }

  /** A user's chat after `after` (a `seq`), oldest first. */
  transcript(userId: string, after = 0): TranscriptEntry[] {
    return this.#transcript.filter((entry) => entry.userId === userId && entry.seq > after);
  }

  /** The message objects the bot sent to a user, in order. */
  botMessages(userId: string): unknown[] {
    return this.transcript(userId).flatMap((entry) => (entry.from === 'bot' ? [entry.message] : []));
  }

  get lastSeq(): number {
    return this.#seq;
  }

  startLoading(userId: string, seconds: number): void {
    this.#loadingUntil.set(userId, this.now() + seconds * 1000);
  }

  isLoading(userId: string): boolean {
    return (this.#loadingUntil.get(userId) ?? 0) > this.now();
  }

  addFile(file: StoredFile): void {
    const { bytes, ...meta } = file;
    // With a journal the bytes live on disk only, so kept files cost no memory.
    this.#journal?.writeFile(file.messageId, bytes);
    this.#files.set(file.messageId, this.#journal ? meta : file);
    this.#record({ t: 'file', ...meta });
    while (this.#files.size > MAX_FILES) this.deleteFile(this.#files.keys().next().value!);
  }

  file(messageId: string): StoredFile | undefined {
    const meta = this.#files.get(messageId);
    const bytes = meta && (meta.bytes ?? this.#journal?.readFile(messageId));
    return meta && bytes ? { ...meta, bytes } : undefined;
  }

  /** Unsent content is gone from the platform too. */
  deleteFile(messageId: string): void {
    if (!this.#files.delete(messageId)) return;
    this.#journal?.deleteFile(messageId);
    this.#record({ t: 'fileGone', messageId });
  }

  recordRequest(request: RecordedApiRequest): void {
    this.requests.push(request);
    if (this.requests.length > MAX_RECORDED) this.requests.shift();
  }

  recordWebhook(webhook: RecordedWebhook): void {
    this.webhooks.push(webhook);
    if (this.webhooks.length > MAX_RECORDED) this.webhooks.shift();
  }

  #append(entry: Omit<TranscriptEntry, 'seq' | 'at'>): TranscriptEntry {
    const full = { ...entry, seq: ++this.#seq, at: new Date(this.now()).toISOString() } as TranscriptEntry;
    this.#keep(full);
    this.#record({ t: 'entry', entry: full });
    return full;
  }

  #keep(entry: TranscriptEntry): void {
    this.#transcript.push(entry);
    if (this.#transcript.length > MAX_TRANSCRIPT) this.#transcript.splice(0, this.#transcript.length - MAX_TRANSCRIPT);
  }

  /** Written before the change is answered: whatever the bot was told was delivered is on disk. */
  #record(record: JournalRecord): void {
    if (this.#journal?.append(record)) this.#compact();
  }

  #replay(record: JournalRecord): void {
    switch (record.t) {
      case 'bot': this.botUserId = record.botUserId; break;
      case 'user': this.#users.set(record.user.userId, { ...record.user }); break;
      case 'blocked': { const user = this.#users.get(record.userId); if (user) user.blocked = record.blocked; break; }
      case 'token': this.#replyTokens.set(record.token, { userId: record.userId, issuedAt: record.issuedAt, used: false }); break;
      case 'tokenUsed': { const token = this.#replyTokens.get(record.token); if (token) token.used = true; break; }
      case 'retryKey': this.#retryKeys.set(record.key, { requestId: record.requestId, acceptedAt: record.acceptedAt, sentMessages: record.sentMessages }); break;
      case 'entry': this.#keep(record.entry); this.#seq = Math.max(this.#seq, record.entry.seq); break;
      case 'file': { const { t: _t, ...meta } = record; this.#files.set(meta.messageId, meta); break; }
      case 'fileGone': this.#files.delete(record.messageId); break;
    }
  }

  /** Forgets spent tokens and expired keys, and rewrites the journal as the current state. */
  #compact(): void {
    const now = this.now();
    for (const [token, issued] of this.#replyTokens) if (issued.used || now - issued.issuedAt > REPLY_TOKEN_TTL_MS) this.#replyTokens.delete(token);
    for (const [key, accepted] of this.#retryKeys) if (now - accepted.acceptedAt > RETRY_KEY_TTL_MS) this.#retryKeys.delete(key);
    const records: JournalRecord[] = [
      { t: 'bot', botUserId: this.botUserId },
      ...[...this.#users.values()].map((user): JournalRecord => ({ t: 'user', user })),
      ...[...this.#replyTokens].map(([token, issued]): JournalRecord => ({ t: 'token', token, userId: issued.userId, issuedAt: issued.issuedAt })),
      ...[...this.#retryKeys].map(([key, accepted]): JournalRecord => ({ t: 'retryKey', key, ...accepted })),
      ...this.#transcript.map((entry): JournalRecord => ({ t: 'entry', entry })),
      ...[...this.#files.values()].map(({ bytes: _bytes, ...meta }): JournalRecord => ({ t: 'file', ...meta })),
    ];
    this.#journal!.rewrite(records);
  }
}

/** LINE counts a calendar month in Japan time. */
function billingMonth(at: number): string {
  return new Date(at + 9 * 3_600_000).toISOString().slice(0, 7);
}
