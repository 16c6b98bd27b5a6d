/**
 * What a simulated LINE user can do in the console, each turned into the webhook LINE
 * would send: the action is written to the chat first (the person sees their own
 * message at once), then the signed webhook goes to the bot.
 */
import { ConsoleError } from './console-errors.ts';
import type { ConsoleLanguage, ConsoleUser, FakeLineStore, TranscriptEntry } from './fake-line-store.ts';
import { messageId as newMessageId, quoteToken } from './line-ids.ts';
import { postWebhook, type WebhookResult } from './webhook-client.ts';
import {
  callbackBody, fileMessageEvent, followEvent, postbackEvent, textMessageEvent, unfollowEvent, unsendEvent, type WebhookEvent,
} from './webhook-events.ts';

export interface ConsoleServiceOptions {
  channelSecret: string;
  webhookUrl: string;
  store: FakeLineStore;
}

export interface SendResult {
  entry: TranscriptEntry;
  webhook: WebhookResult;
}

export interface SentFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** The console's one door to the bot: every method ends in exactly one signed webhook (or none, if refused). */
export class ConsoleService {
  constructor(private readonly options: ConsoleServiceOptions) {}

  /** A new friend of the bot: LINE sends `follow` with a reply token. */
  async addUser(input: { displayName: string; language: ConsoleLanguage }): Promise<{ user: ConsoleUser; webhook: WebhookResult }> {
    const { store } = this.options;
    const user = store.createUser(input);
    store.appendUserEntry(user.userId, { kind: 'follow', isUnblocked: false });
    const webhook = await this.#post(followEvent(user.userId, this.#now(), this.#token(user.userId), false));
    return { user, webhook };
  }

  async sendText(userId: string, text: string): Promise<SendResult> {
    this.#activeUser(userId);
    const message = { id: newMessageId(), text, quoteToken: quoteToken() };
    const entry = this.options.store.appendUserEntry(userId, { kind: 'text', messageId: message.id, text });
    return { entry, webhook: await this.#post(textMessageEvent(userId, this.#now(), this.#token(userId), message)) };
  }

  /** A tap on a postback button, quick reply or date picker; `displayText` appears as the user's message. */
  async sendPostback(userId: string, postback: { data: string; displayText?: string; params?: Record<string, string> }): Promise<SendResult> {
    this.#activeUser(userId);
    const entry = this.options.store.appendUserEntry(userId, { kind: 'postback', ...postback });
    const event = postbackEvent(userId, this.#now(), this.#token(userId), { data: postback.data, ...(postback.params ? { params: postback.params } : {}) });
    return { entry, webhook: await this.#post(event) };
  }

  /** The bytes stay with the fake platform; the bot fetches them from the data API. */
  async sendFile(userId: string, file: SentFile): Promise<SendResult> {
    this.#activeUser(userId);
    const { store } = this.options;
    const id = newMessageId();
    store.addFile({ messageId: id, userId, ...file });
    const entry = store.appendUserEntry(userId, { kind: 'file', messageId: id, fileName: file.fileName, fileSize: file.bytes.length });
    const event = fileMessageEvent(userId, this.#now(), this.#token(userId), { id, fileName: file.fileName, fileSize: file.bytes.length });
    return { entry, webhook: await this.#post(event) };
  }

  /** Only the user's own, not yet unsent messages can be unsent; their content is gone afterwards. */
  async unsend(userId: string, messageId: string): Promise<SendResult> {
    this.#activeUser(userId);
    const { store } = this.options;
    const history = store.transcript(userId);
    const own = history.some((e) => e.from === 'user' && (e.kind === 'text' || e.kind === 'file') && e.messageId === messageId);
    const already = history.some((e) => e.from === 'user' && e.kind === 'unsend' && e.messageId === messageId);
    if (!own || already) throw new ConsoleError('not-unsendable', 'no message of this user with that id to unsend');
    store.deleteFile(messageId);
    const entry = store.appendUserEntry(userId, { kind: 'unsend', messageId });
    return { entry, webhook: await this.#post(unsendEvent(userId, this.#now(), messageId)) };
  }

  /** Blocking sends `unfollow` (no reply token); unblocking sends `follow` with `isUnblocked: true`. */
  async setBlocked(userId: string, blocked: boolean): Promise<SendResult | null> {
    const { store } = this.options;
    const user = this.#user(userId);
    if (user.blocked === blocked) return null;
    store.setBlocked(userId, blocked);
    if (blocked) {
      const entry = store.appendUserEntry(userId, { kind: 'unfollow' });
      return { entry, webhook: await this.#post(unfollowEvent(userId, this.#now())) };
    }
    const entry = store.appendUserEntry(userId, { kind: 'follow', isUnblocked: true });
    return { entry, webhook: await this.#post(followEvent(userId, this.#now(), this.#token(userId), true)) };
  }

  async #post(event: WebhookEvent): Promise<WebhookResult> {
    const { store, webhookUrl, channelSecret } = this.options;
    const body = callbackBody(store.botUserId, event);
    const result = await postWebhook(webhookUrl, channelSecret, body);
    store.recordWebhook({ at: new Date(event.timestamp).toISOString(), body, ...result });
    return result;
  }

  #user(userId: string): ConsoleUser {
    const user = this.options.store.user(userId);
    if (!user) throw new ConsoleError('unknown-user', `no console user ${userId}`);
    return user;
  }

  /** A user who blocked the bot cannot talk to it until they unblock it. */
  #activeUser(userId: string): ConsoleUser {
    const user = this.#user(userId);
    if (user.blocked) throw new ConsoleError('blocked', 'this user has blocked the bot; unblock first');
    return user;
  }

  #token(userId: string): string {
    return this.options.store.issueReplyToken(userId);
  }

  #now(): number {
    return this.options.store.now();
  }
}
