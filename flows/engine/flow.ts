import type { Choice, Effect, FlowDeps, FlowInput, FlowMessage, FlowState } from './types.ts';

/** What a flow returns: its next state (null when it is over), messages and effects. */
export interface FlowOutcome {
  state: FlowState | null;
  messages: FlowMessage[];
  effects: Effect[];
}

/** Where a flow was entered from: a fresh start, or "show me my application". */
export type FlowEntry = 'apply' | 'review';

/** A flow: pure functions over plain state. */
export interface Flow {
  id: string;
  start(deps: FlowDeps, entry: FlowEntry): FlowOutcome;
  handle(state: FlowState, input: FlowInput, deps: FlowDeps): FlowOutcome;
  back(state: FlowState, deps: FlowDeps): FlowOutcome;
  /** Asks the current question again (after help, or a language switch). */
  repeat(state: FlowState, deps: FlowDeps): FlowOutcome;
  /** The answers the current step offers as buttons; typed, they win over entry words. */
  offers(state: FlowState, deps: FlowDeps): Choice[];
  /**
   * Inputs the flow takes even when it is not active: buttons on a card stay tappable in
   * the chat history after the flow has ended, and a plan document can arrive later.
   * Returns the state that handles such an input, or null if the input is not the flow's.
   */
  resumeFor?(input: FlowInput, deps: FlowDeps): FlowState | null;
  /**
   * The person took back the message an answer came from: ask for the `removed` answers
   * again now, or say why the `kept` ones could not go (`active` is where the person
   * was). Null when none is the flow's.
   */
  reask?(unsent: { removed: string[]; kept: string[] }, active: FlowState | null, deps: FlowDeps): FlowOutcome | null;
}
