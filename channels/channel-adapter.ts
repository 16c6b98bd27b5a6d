/**
 * What a channel gives the turn pipeline (runtime/turn-pipeline.ts), and nothing more:
 * an event becomes an action, a file's bytes are fetched when asked, flow messages are
 * rendered, an event is replied to. Ordering, participants, the file rule
 * (core/files/file-rule.ts), the turn's transaction, the outbox fallback and the apology
 * are the pipeline's, the same for every channel. It lives here, below runtime/, so that
 * a channel implements it without importing the layer above it.
 *
 * Implementations: channels/line/line-adapter.ts (webhook events, reply tokens) and
 * channels/discord/dm-adapter.ts (DMs, clicks and forms through discord.js).
 */
import type { ChannelInput, FlowMessage, Language } from '../flows/index.ts';
import type { FetchedFile, FileNotice } from '../core/files/file-rule.ts';

/** The channels a participant can write from; also the audit actor's prefix (`line:…`, `discord:…`). */
export type ChannelName = 'line' | 'discord';

/** A file someone sent: what the channel announced, and where the adapter fetches it from (LINE: the message id; Discord: the attachment's URL). */
export interface ChannelFile extends FileNotice {
  source: string;
}

/** A reply token the outbox worker can still answer with, and the moment its age counts from (LINE's; kept on the outbox row). */
export interface StoredReplyToken {
  token: string;
  at: Date;
}

/** What an event asks for. `ReplyTo` is the channel's handle for answering this very event. */
export type ChannelAction<ReplyTo> =
  | {
    kind: 'turn';
    userId: string;
    /** For a file, a placeholder: the pipeline completes it once the file is received. */
    input: ChannelInput;
    file?: ChannelFile;
    /** How to answer this event; none: the answer is the outbox worker's to deliver. */
    replyTo?: ReplyTo;
    /** Kept on the outbox row, so the worker replies (free) rather than pushes while it is young. */
    replyToken?: StoredReplyToken;
    /** The event says the person can be reached again (LINE: a follow). */
    reachable?: true;
  }
  /** The person can no longer be reached (LINE: blocked); nothing is answered. */
  | { kind: 'unfollow'; userId: string }
  | { kind: 'ignore'; reason: string };

/**
 * One channel, as the turn pipeline uses it.
 *
 * @example
 * const pipeline = new TurnPipeline({ adapter: new LineAdapter({ line, metrics, clock }), intake, ... });
 */
export interface ChannelAdapter<Event, ReplyTo, Message = unknown> {
  readonly channel: ChannelName;
  /** An answer not out by then is the outbox worker's (LINE: within a reply token's life). */
  readonly replyWindowMs: number;
  /** Pure: no I/O, no clock. */
  translate(event: Event): ChannelAction<ReplyTo>;
  /** For logs and metrics: the event's id and a short, bounded type label. */
  describe(event: Event): { id: string; type: string };
  /** A new participant's language, before they choose one. */
  firstLanguage(userId: string): Promise<Language>;
  /** The file's bytes, stopping past `maxBytes` (`too-large`); `unavailable` rather than a throw when it cannot be had. */
  fetchFile(userId: string, file: ChannelFile, maxBytes: number): Promise<FetchedFile>;
  render(messages: FlowMessage[], language: Language, facts: Record<string, string>): Message[];
  /**
   * Answers the event: resolves once the messages are out (or are known to have gone out
   * before), rejects otherwise. No messages: nothing to say (the channel may clear what it
   * showed meanwhile).
   */
  reply(userId: string, to: ReplyTo, messages: Message[]): Promise<void>;
  /** Shows that an answer is coming (LINE's loading indicator); best effort. */
  showBusy?(userId: string): void;
}

/**
 * Sending outside a reply, for the outbox worker (worker/outbox.processor.ts): LINE's push
 * with its retry key, a Discord DM with the key as its nonce. `LineApi` and
 * `DiscordDmSender` implement it.
 */
export interface ChannelPush<Message = unknown> {
  push(userId: string, messages: Message[], retryKey: string): Promise<void>;
}
