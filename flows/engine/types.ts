/**
 * The flow language: plain data that a pure `advance` turns into new state,
 * messages and effects. Nothing here knows LINE, Discord, the database or the clock.
 */
import type { MessageKey } from '../catalog/catalog.ts';
import type { ProgramConfig } from '../program.ts';

export type Language = 'ja' | 'en';

/** Text shown to a participant: a catalog entry, or localized text from the program configuration. */
export type Text =
  | { key: MessageKey; params?: Record<string, TextParam> }
  | { literal: { ja: string; en: string } }
  | { join: Text[] };

/** A placeholder value: plain, localized text, or a fact the runtime fills in. */
export type TextParam = string | number | FactRef | Text;

/** A value only known after an effect ran (for example the receipt number); the runtime fills it in. */
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
  | { type: 'summary'; title: Text; rows: SummaryRow[]; actions: Choice[]; footer?: Text };

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

export type ApplicationStatus = 'draft' | 'submitted' | 'withdrawn';

/** The participant's application as the flow may see it (already unsealed by the runtime). */
export interface ApplicationFacts {
  status: ApplicationStatus;
  receiptNumber: string | null;
  answers: Answers;
  hasDocument: boolean;
}

/** Everything a flow may know. Read-only; nothing in here writes. */
export interface FlowDeps {
  now: Date;
  program: ProgramConfig;
  language: Language;
  application: ApplicationFacts | null;
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

/** Work for the runtime, committed in the same transaction as the new state. */
export type Effect =
  | { type: 'recordConsent'; purpose: string; noticeVersion: string; granted: boolean }
  | { type: 'saveAnswers'; answers: Answers }
  | { type: 'discardDraft' }
  | { type: 'attachDocument'; sourceMessageId: string }
  | { type: 'submitApplication' }
  | { type: 'withdrawApplication' }
  | { type: 'setLanguage'; language: Language }
  /** Hand the participant over to a person (the human inbox). */
  | { type: 'openHandoff'; reason: 'asked' | 'misunderstood' }
  /** While a person has the conversation: pass this input on to them. */
  | { type: 'forwardToStaff' }
  /** The participant ends the conversation with staff themselves. */
  | { type: 'endHandoff' };

export interface StepResult {
  state: ConversationState;
  messages: FlowMessage[];
  effects: Effect[];
}
