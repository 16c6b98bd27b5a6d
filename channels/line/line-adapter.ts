/**
 * LINE as the turn pipeline sees it (channel-adapter.ts): webhook events as received
 * (`lineAction`), files from the data API, the LINE renderer, and replies with the
 * event's reply token, where LINE refusing a token too young to have expired means it was
 * used (reply-token.ts).
 */
import type { messagingApi } from '@line/bot-sdk';
import type { Language } from '../../flows/index.ts';
import type { FetchedFile } from '../../core/files/file-rule.ts';
import { boundedLabel, type Metrics } from '../../core/metrics.ts';
import type { ChannelAdapter, ChannelFile, StoredReplyToken } from '../channel-adapter.ts';
import { lineAction, type LineAction } from './inbound.ts';
import type { LineApi, LineChannels } from './line-api.ts';
import { LoadingBudget } from './loading-budget.ts';
import type { ReceivedEvent } from './received-events.ts';
import { renderLineMessages } from './render.ts';
import { replyOrUsed } from './reply-token.ts';
import { KNOWN_EVENT_TYPES } from './webhook.schema.ts';

export interface LineAdapterDeps {
  line: LineChannels;
  metrics: Metrics;
  clock: () => Date;
  /** Default 50 s: a reply token lives about a minute; after that the outbox row is pushed instead. */
  replyWindowMs?: number;
}

/** Waits before each ask: LINE prepares content asynchronously (202), and it also expires, so ask now, a few times. */
const FETCH_DELAYS_MS = [0, 300, 1000, 2000];

export class LineAdapter implements ChannelAdapter<ReceivedEvent, StoredReplyToken, messagingApi.Message> {
  readonly channel = 'line';
  readonly replyWindowMs: number;
  readonly #loadingBudget = new LoadingBudget();

  constructor(private readonly deps: LineAdapterDeps) {
    this.replyWindowMs = deps.replyWindowMs ?? 50_000;
  }

  translate(received: ReceivedEvent): LineAction {
    return lineAction(received);
  }

  describe({ event }: ReceivedEvent): { id: string; type: string } {
    return { id: event.webhookEventId, type: boundedLabel(event.type, KNOWN_EVENT_TYPES) };
  }

  /** The language the person's LINE app is set to; Japanese when LINE does not say in time. */
  firstLanguage(userId: string): Promise<Language> {
    return this.deps.line.forUser(userId).profileLanguage(userId).catch(() => 'ja' as const);
  }

  /** Asked at once (LINE lets content expire), again while LINE is still preparing it (202). */
  async fetchFile(userId: string, file: ChannelFile, maxBytes: number): Promise<FetchedFile> {
    const api: LineApi = this.deps.line.forUser(userId);
    for (const delay of FETCH_DELAYS_MS) {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const content = await api.fetchContent(file.source, maxBytes).catch(() => 'unavailable' as const);
      if (content !== 'not-ready') return content;
    }
    return 'unavailable';
  }

  render(messages: Parameters<typeof renderLineMessages>[0], language: Language, facts: Record<string, string>): messagingApi.Message[] {
    return renderLineMessages(messages, language, facts);
  }

  /** A reply (free) with the event's token; nothing to say sends nothing (the token simply expires). */
  async reply(userId: string, to: StoredReplyToken, messages: messagingApi.Message[]): Promise<void> {
    if (messages.length === 0) return;
    const { line, clock, metrics } = this.deps;
    await replyOrUsed(line.forUser(userId), to.token, to.at, clock(), messages, metrics);
  }

  /**
   * LINE's loading indicator, within a per-second budget (it is cosmetic, and LINE limits
   * it per channel).
   */
  showBusy(userId: string): void {
    if (!this.#loadingBudget.take()) return;
    this.deps.line.forUser(userId).showLoading(userId).catch(() => undefined);
  }
}
