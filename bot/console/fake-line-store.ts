/**
 * Everything the fake LINE platform knows, in memory: the simulated users (friends of
 * the bot), each chat's transcript, reply tokens, retry keys, loading indicators, the
 * files users sent, every raw API request the bot made and every webhook the console
 * delivered. The console writes the user's side; the fake API writes the bot's side.
 */
import { lineUserId, replyToken as newReplyToken } from './line-ids.ts';

export type ConsoleLanguage = 'ja' | 'en';

export interface ConsoleUser {
  userId: string;
  displayName: string;
  language: ConsoleLanguage;
  blocked: boolean;
  createdAt: string;
}

/** What the simulated user did; shown on the right side of the chat. */
export type UserAction =
  | { kind: 'follow'; isUnblocked: boolean }
  | { kind: 'unfollow' }
  | { kind: 'text'; messageId: string; text: string }
  | { kind: 'file'; messageId: string; fileName: string; fileSize: number }
  | { kind: 'postback'; data: string; params?: Record<string, string>; displayText?: string }
  | { kind: 'unsend'; messageId: string };

/** One line of a chat, in the order it happened. `seq` increases across all chats. */
export type TranscriptEntry = { seq: number; at: string; userId: string } & (
  | ({ from: 'user' } & UserAction)
  | { from: 'bot'; kind: 'message'; via: 'reply' | 'push'; messageId: string; message: unknown }
);

/** A request the bot made to the fake API, kept verbatim so tests can hold it against the spec. */
export interface RecordedApiRequest {
  at: string;
  method: string;
  /** Path below the API's base URL, e.g. `/v2/bot/message/push`. */
  path: string;
  headers: { 'content-type'?: string; 'x-line-retry-key'?: string };
  /** Whether the `Authorization: Bearer` token matched. */
  authorized: boolean;
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

export interface FakeLineStoreOptions {
  /** Milliseconds since the epoch; replaceable so tests can age reply tokens. */
  now?: () => number;
}

/** LINE: "Reply tokens … must be used within one minute of receiving the webhook." */
export const REPLY_TOKEN_TTL_MS = 60_000;
/** Enough for any test; a console left running for days does not grow without bound. */
const MAX_RECORDED = 10_000;
/** LINE keeps retry keys for 24 hours. */
export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

type UserEntryInput = UserAction;
type BotEntryInput = { kind: 'message'; via: 'reply' | 'push'; messageId: string; message: unknown };

/** In-memory state of the fake platform; tests read `requests`, `webhooks` and `botMessages()` from it. */
export class FakeLineStore {
  /** The bot's own user id: the webhook's `destination`. */
  readonly botUserId = lineUserId();
  readonly requests: RecordedApiRequest[] = [];
  readonly webhooks: RecordedWebhook[] = [];
  readonly now: () => number;

  readonly #users = new Map<string, ConsoleUser>();
  readonly #transcript: TranscriptEntry[] = [];
  readonly #replyTokens = new Map<string, { userId: string; issuedAt: number; used: boolean }>();
  readonly #retryKeys = new Map<string, { requestId: string; acceptedAt: number; sentMessages: unknown[] }>();
  readonly #loadingUntil = new Map<string, number>();
  readonly #files = new Map<string, StoredFile>();
  #seq = 0;

  constructor(options: FakeLineStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  createUser(input: { displayName: string; language: ConsoleLanguage }): ConsoleUser {
    const user: ConsoleUser = { userId: lineUserId(), ...input, blocked: false, createdAt: new Date(this.now()).toISOString() };
    this.#users.set(user.userId, user);
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
    if (user) user.blocked = blocked;
  }

  issueReplyToken(userId: string): string {
    const token = newReplyToken();
    this.#replyTokens.set(token, { userId, issuedAt: this.now(), used: false });
    return token;
  }

  /** Spends a reply token: the user it was issued for, or null if unknown, used or expired. */
  useReplyToken(token: string): string | null {
    const issued = this.#replyTokens.get(token);
    if (!issued || issued.used || this.now() - issued.issuedAt > REPLY_TOKEN_TTL_MS) return null;
    issued.used = true;
    return issued.userId;
  }

  /** The earlier acceptance of a retry key, if it is still remembered. */
  acceptedRetryKey(key: string): { requestId: string; sentMessages: unknown[] } | undefined {
    const accepted = this.#retryKeys.get(key);
    if (!accepted || this.now() - accepted.acceptedAt > RETRY_KEY_TTL_MS) return undefined;
    return accepted;
  }

  rememberRetryKey(key: string, requestId: string, sentMessages: unknown[]): void {
    this.#retryKeys.set(key, { requestId, acceptedAt: this.now(), sentMessages });
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
    this.#files.set(file.messageId, file);
  }

  file(messageId: string): StoredFile | undefined {
    return this.#files.get(messageId);
  }

  /** Unsent content is gone from the platform too. */
  deleteFile(messageId: string): void {
    this.#files.delete(messageId);
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
    this.#transcript.push(full);
    return full;
  }
}
