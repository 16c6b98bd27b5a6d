/**
 * The only door to LINE's APIs: the official SDK's clients pointed at a configurable
 * base URL (LINE itself, or a fake that speaks the same spec). File content is the one
 * call made with `fetch` directly (see `fetchContent`). Pushes and multicasts, which the
 * worker sends by the thousand, go over plain `node:http(s)` on keep-alive connections
 * (see `#post`): the same requests the SDK would make, at a fraction of fetch's CPU.
 */
import http from 'node:http';
import https from 'node:https';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { Language } from '../../flows/index.ts';
import type { ChannelPush } from '../channel-adapter.ts';
import { readAtMost } from '../read-at-most.ts';

export interface LineApiConfig {
  channelAccessToken: string;
  apiBaseUrl: string;
  dataApiBaseUrl: string;
  /**
   * Longest wait for LINE's answer (default 10 s). A reply that times out is pushed
   * instead: a rare duplicate is better than an unanswered person, and a hung call must
   * not hold a batch of other people's turns.
   */
  timeoutMs?: number;
}

/** Why a call got no answer from LINE at all: it took too long, or the connection failed. */
export type LineFailureCode = 'timeout' | 'network';

/**
 * A call to LINE failed: `status` is LINE's HTTP status; without one, `code` says why no
 * answer came. Logged and stored through `errorFields` (class, code, status), never by message.
 */
export class LineApiError extends Error {
  override name = 'LineApiError';
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly code?: LineFailureCode;

  constructor(message: string, details: { status?: number; retryAfterSeconds?: number; code?: LineFailureCode } = {}) {
    super(message);
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.code = details.code;
  }
}

/**
 * LINE refused a reply token: it was used before, or it expired. LINE answers both with
 * 400 {"message":"Invalid reply token"}; this adapter is the one place that reads that
 * text (reply-token.ts says what the refusal means).
 */
export class ReplyTokenRefusedError extends LineApiError {
  override name = 'ReplyTokenRefusedError';

  constructor() {
    super('LINE refused the reply token', { status: 400 });
  }
}

/** LINE's error message for a used or expired reply token (Messaging API reference, "Send reply message"). */
const INVALID_REPLY_TOKEN = 'Invalid reply token';

export class LineApi implements ChannelPush<messagingApi.Message> {
  readonly #client: messagingApi.MessagingApiClient;
  readonly #content: { baseUrl: string; authorization: string };
  readonly #timeoutMs: number;
  readonly #api: { baseUrl: string; authorization: string };

  constructor(config: LineApiConfig) {
    if (!config.channelAccessToken) throw new Error('LineApi needs a channel access token');
    this.#client = new messagingApi.MessagingApiClient({ channelAccessToken: config.channelAccessToken, baseURL: config.apiBaseUrl });
    this.#content = { baseUrl: config.dataApiBaseUrl, authorization: `Bearer ${config.channelAccessToken}` };
    this.#timeoutMs = config.timeoutMs ?? 10_000;
    this.#api = { baseUrl: config.apiBaseUrl, authorization: `Bearer ${config.channelAccessToken}` };
  }

  /** Answers an event with its reply token (free); a used or expired token throws {@link ReplyTokenRefusedError}. */
  async reply(replyToken: string, messages: messagingApi.Message[]): Promise<void> {
    await call('reply', () => withTimeout(this.#client.replyMessage({ replyToken, messages }), this.#timeoutMs));
  }

  /** `retryKey` makes a repeated push a no-op for 24 h (LINE answers 409). */
  async push(to: string, messages: messagingApi.Message[], retryKey: string): Promise<void> {
    await this.#post('push', '/v2/bot/message/push', { to, messages }, retryKey);
  }

  /** The same messages to up to 500 users in one call; `retryKey` as for a push (a repeat answers 409). */
  async multicast(to: string[], messages: messagingApi.Message[], retryKey: string): Promise<void> {
    await this.#post('multicast', '/v2/bot/message/multicast', { to, messages }, retryKey);
  }

  /**
   * A POST with a JSON body under a retry key, as the SDK's client makes it, on a
   * keep-alive agent. Fails with a {@link LineApiError}: LINE's status (and Retry-After),
   * or `timeout`/`network` when no answer came within the timeout.
   */
  #post(what: string, path: string, body: unknown, retryKey: string): Promise<void> {
    const url = new URL(path, this.#api.baseUrl);
    const payload = JSON.stringify(body);
    const secure = url.protocol === 'https:';
    return new Promise<void>((resolve, reject) => {
      const request = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? KEEP_ALIVE.https : KEEP_ALIVE.http,
        headers: {
          authorization: this.#api.authorization, 'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload), 'x-line-retry-key': retryKey,
        },
      }, (response) => {
        response.resume();
        response.once('end', () => {
          clearTimeout(timer);
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          const retryAfter = Number(response.headers['retry-after']);
          reject(new LineApiError(`LINE ${what} failed with ${status}`, { status, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined }));
        });
        response.once('error', () => undefined);
      });
      const timer = setTimeout(() => request.destroy(new LineApiError(`LINE ${what} timed out after ${this.#timeoutMs} ms`, { code: 'timeout' })), this.#timeoutMs);
      request.once('error', (error) => {
        clearTimeout(timer);
        reject(error instanceof LineApiError ? error : new LineApiError(`LINE ${what} failed: ${error.name}`, { code: 'network' }));
      });
      request.end(payload);
    });
  }

  /**
   * The month's message quota and what it has used (GET /v2/bot/message/quota and
   * /quota/consumption): read before a large send (core/approvals/message-quota.ts).
   * `limit` is null when the plan sets none (`type: none`).
   */
  async messageQuota(): Promise<{ limit: number | null; used: number }> {
    const [quota, consumption] = await Promise.all([
      call('quota', () => withTimeout(this.#client.getMessageQuota(), this.#timeoutMs)),
      call('quota', () => withTimeout(this.#client.getMessageQuotaConsumption(), this.#timeoutMs)),
    ]);
    return { limit: quota.type === 'limited' ? Number(quota.value ?? 0) : null, used: Number(consumption.totalUsage) };
  }

  /** Shows the "…" indicator in a 1:1 chat while something slow happens. */
  async showLoading(chatId: string, loadingSeconds = 5): Promise<void> {
    await call('loading', () => withTimeout(this.#client.showLoadingAnimation({ chatId, loadingSeconds }), this.#timeoutMs));
  }

  /** The language the user's LINE app is set to, as far as ouen speaks it. */
  async profileLanguage(userId: string, timeoutMs = 1_500): Promise<Language> {
    const profile = await call('profile', () => withTimeout(this.#client.getProfile(userId), timeoutMs));
    return profile.language?.startsWith('en') ? 'en' : 'ja';
  }

  /**
   * A user-sent file (GET /v2/bot/message/{messageId}/content on the data API). LINE
   * answers 202 while it is still preparing the content. Made with `fetch` and an abort
   * signal rather than the SDK's blob client: the whole download must end in time (a
   * stalled body would hold a batch of other people's turns) and stop at the size limit,
   * and the SDK's stream, once abandoned, fails later with an unhandled rejection.
   */
  async fetchContent(messageId: string, maxBytes: number): Promise<Buffer | 'not-ready' | 'too-large'> {
    const url = new URL(`/v2/bot/message/${encodeURIComponent(messageId)}/content`, this.#content.baseUrl);
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await fetch(url, { headers: { authorization: this.#content.authorization }, signal });
      if (response.status === 202) {
        await response.body?.cancel();
        return 'not-ready';
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new LineApiError(`LINE content failed with ${response.status}`, { status: response.status, retryAfterSeconds: retryAfterSeconds(response.headers) });
      }
      return await readAtMost(response.body, maxBytes);
    } catch (error) {
      if (error instanceof LineApiError) throw error;
      const timedOut = signal.aborted;
      throw timedOut
        ? new LineApiError(`LINE content timed out after ${this.#timeoutMs} ms`, { code: 'timeout' })
        : new LineApiError(`LINE content failed: ${(error as Error).name}`, { code: 'network' });
    }
  }
}

/** Connections kept open between pushes (LINE closes idle ones itself). */
const KEEP_ALIVE = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HTTPFetchError) {
      if (what === 'reply' && error.status === 400 && lineErrorMessage(error.body) === INVALID_REPLY_TOKEN) throw new ReplyTokenRefusedError();
      throw new LineApiError(`LINE ${what} failed with ${error.status}`, { status: error.status, retryAfterSeconds: retryAfterSeconds(error.headers) });
    }
    if (error instanceof LineApiError) throw error;
    throw new LineApiError(`LINE ${what} failed: ${(error as Error).name}`, { code: 'network' });
  }
}

/** LINE's `Retry-After`, when it sends a usable one. */
function retryAfterSeconds(headers: Headers): number | undefined {
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** The `message` of LINE's JSON error body, if there is one. */
function lineErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LineApiError(`timed out after ${ms} ms`, { code: 'timeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Which LINE API serves a user. Normally one; with the console enabled beside a real
 * channel (OUEN_CONSOLE=1), console users are served by the built-in fake and everyone
 * else by LINE.
 */
export interface LineChannels {
  forUser(userId: string): LineApi;
}

export const singleChannel = (api: LineApi): LineChannels => ({ forUser: () => api });
