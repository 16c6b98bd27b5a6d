/**
 * The flow language: plain data that a pure `advance` turns into new state,
 * messages and effects. Nothing here knows LINE, Discord, the database or the clock.
 */
import type { MessageKey } from '../catalog/catalog.ts';
import type { BaseProgram } from './base-program.ts';

export type Language = 'ja' | 'en';

/** Text shown to a participant: a catalog entry, or localized text from the program configuration. */
export type Text =
  | { key: MessageKey; params?: Record<string, TextParam> }
  | { literal: { ja: string; en: string } }
  | { join: Text[] };

/** A placeholder value: plain, localized text, or a fact the runtime fills in. */
export type TextParam = string | number | FactRef | Text;

/**
 * A value only known after an effect ran (the receipt number): the runtime fills it in
 * from the `facts` of the turn's effect outcomes when it renders the messages.
 */
export type FactRef = { fact: string };

/** One tappable answer. `value` travels back as postback data. */
export interface Choice {
  label: Text;
  value: string;
  /** Other words people type for it (「法人」 for 「法人を設立した」). */
  aliases?: readonly string[];
  /** A typed number in this range picks it (「35」 for 「30代」). */
  range?: { min?: number; max?: number };
}

export interface DatePicker {
  /** Calendar dates, YYYY-MM-DD. */
  min?: string;
  max?: string;
  initial?: string;
}

export type FlowMessage =
  | { type: 'text'; text: Text; choices?: Choice[]; datePicker?: DatePicker }
  | { type: 'summary'; title: Text; rows: SummaryRow[]; actions: Choice[]; footer?: Text; image?: CardImage };

/** An image at the top of a card (a ticket's QR code), served by ouen at an unguessable address. */
export interface CardImage {
  url: string;
  alt: Text;
}

export interface SummaryRow {
  label: Text;
  value: Text;
  /** Choice value that reopens this answer for change. */
  change?: string;
}

/** What a participant did, after a channel adapter translated it. */
export type FlowInput =
  | { type: 'text'; text: string; messageId?: string }
  | { type: 'choice'; value: string }
  | { type: 'date'; date: string }
  | { type: 'file'; fileName: string; sizeBytes: number; isPdf: boolean; sourceMessageId: string }
  | { type: 'unsupported'; what: string }
  /** Added as a friend; `returning` when someone unblocks the account. */
  | { type: 'follow'; returning?: boolean }
  /**
   * The person took a message back and the runtime has already removed what it became:
   * the `removed` answers (step ids) are gone, so the flow asks for them again; the
   * `kept` ones could not go (eligibility after submission), so the flow says why.
   */
  | { type: 'unsent'; removed: string[]; kept?: string[] };

/**
 * What a channel adapter hands the runtime: a flow input, or an unsend (a message taken
 * back), which the runtime resolves into the answers it removed (`unsent`) first.
 */
export type ChannelInput = Exclude<FlowInput, { type: 'unsent' }> | { type: 'unsend'; messageId: string };

export type AnswerValue = string;
export type Answers = Record<string, AnswerValue>;

/** Everything a flow may know. Read-only; nothing in here writes. */
export interface FlowDeps {
  now: Date;
  /** The shared sections; a module reads its own section under its id (see `ModuleDeps`). */
  program: BaseProgram;
  language: Language;
  /**
   * What each flow module needs to know about the participant, under the module's id
   * (`facts.contest`: the application). Core loads it before the turn, one query per
   * module for a whole batch; the engine passes it through unread.
   */
  facts: Readonly<Record<string, unknown>>;
  /** A person has taken over this conversation (the human inbox): the bot stays silent and forwards. */
  handoffOpen?: boolean;
  /** Someone can take a conversation over (an inbox is configured); without one, the bot says where to ask instead. */
  handoffAvailable?: boolean;
}

/** Where a participant stands inside one flow. Plain JSON. */
export interface FlowState {
  flowId: string;
  stepId: string;
  /** Set while one answer is being changed from the confirmation card. */
  returnTo?: string;
  /** Answers a flow collects before anything is stored (sealed with the conversation). */
  answers?: Answers;
}

/**
 * A line of the recent conversation: who, what (a participant's typed text, or what the
 * button said, the date, the file name, the kind of anything else), and for a typed
 * message its id, so an unsend can take it back.
 */
export interface Exchange {
  from: 'participant' | 'bot';
  text: string;
  messageId?: string;
  kind?: 'text' | 'button' | 'date' | 'file' | 'other';
}

/** Conversation state across flows; stored sealed. */
export interface ConversationState {
  active: FlowState | null;
  /** Consecutive messages the bot did not understand outside a flow. */
  misunderstood: number;
  /**
   * Which answer each recent message became (message id → answer id), so an `unsend`
   * can delete exactly that content. Kept by the runtime; flows never read it.
   */
  sources?: Record<string, string>;
  /**
   * The last few exchanges as plain text, so staff taking over see what was said.
   * Kept by the runtime; flows never read it.
   */
  recent?: Exchange[];
}

/**
 * Work for the runtime, committed in the same transaction as the new state. Every effect
 * has a `type`, unique across the engine and the modules; the runtime finds its handler
 * by it. Names say what they do (`submitApplication`, `registerForEvent`); the server
 * registry (core/modules/server-registry.ts) refuses a name claimed twice at start-up.
 */
export interface EffectBase {
  readonly type: string;
}

/** The engine's own effects: consent, language and the human inbox, whatever the flow. */
export type EngineEffect =
  | { type: 'recordConsent'; purpose: string; noticeVersion: string; granted: boolean }
  | { type: 'setLanguage'; language: Language }
  /** Hand the participant over to a person (the human inbox). */
  | { type: 'openHandoff'; reason: 'asked' | 'misunderstood' }
  /** While a person has the conversation: pass this input on to them. */
  | { type: 'forwardToStaff' }
  /** The participant ends the conversation with staff themselves. */
  | { type: 'endHandoff' };

/** Every engine effect type, once (the type checker asks for each). */
const engineEffectTypes: Record<EngineEffect['type'], true> = {
  recordConsent: true, setLanguage: true, openHandoff: true, forwardToStaff: true, endHandoff: true,
};

/** The engine's effect types; a module's effect may not take one of these names. */
export const ENGINE_EFFECT_TYPES: ReadonlySet<string> = new Set(Object.keys(engineEffectTypes));

/**
 * What an effect came to, reported by its handler in core: a result in the module's own
 * words (`submitted`, `registered`, `waitlisted`, `closed` …). A domain refusal is a
 * result like any other, never an exception.
 */
export interface EffectOutcome {
  /** The type of the effect it answers. */
  effect: string;
  result: string;
  /** Values messages show through a `FactRef` (the receipt number, a waitlist position). */
  facts?: Readonly<Record<string, string>>;
}

/** A flow waits for its effects' outcomes to answer: `answer` of `module` is called with `id`. */
export interface Continuation {
  module: string;
  id: string;
}

export interface StepResult<E extends EffectBase = EffectBase> {
  state: ConversationState;
  messages: FlowMessage[];
  effects: E[];
  /** Set when the answer depends on what the effects come to (FlowEngine.answer). */
  continuation?: Continuation;
}
