import type { Choice, EffectBase, EngineEffect, FlowDeps, FlowInput, FlowMessage, FlowState } from './types.ts';

/**
 * What a flow returns: its next state (null when it is over), messages and effects.
 * With `continuation`, the answer waits for the effects: the module's `answer` gets this
 * id and what the effects came to, and says the rest (FlowModule.answer).
 */
export interface FlowOutcome<E extends EffectBase = EffectBase> {
  state: FlowState | null;
  messages: FlowMessage[];
  effects: Array<E | EngineEffect>;
  continuation?: string;
}

/** Where a flow was entered from: the id of the entry (FlowModule.entries) that started it. */
export type FlowEntry = string;

/**
 * A flow: pure functions over plain state. `D` is what the flow reads (its module's
 * `ModuleDeps`), `E` the effects it returns. Methods, not function properties: the
 * engine holds every module's flows as `Flow` and hands each the full deps.
 */
export interface Flow<D extends FlowDeps = FlowDeps, E extends EffectBase = EffectBase> {
  id: string;
  start(deps: D, entry: FlowEntry): FlowOutcome<E>;
  handle(state: FlowState, input: FlowInput, deps: D): FlowOutcome<E>;
  back(state: FlowState, deps: D): FlowOutcome<E>;
  /** Asks the current question again (after help, or a language switch). */
  repeat(state: FlowState, deps: D): FlowOutcome<E>;
  /** The answers the current step offers as buttons; typed, they win over entry words. */
  offers(state: FlowState, deps: D): Choice[];
  /**
   * Inputs the flow takes even when it is not active: buttons on a card stay tappable in
   * the chat history after the flow has ended, and a plan document can arrive later.
   * Returns the state that handles such an input, or null if the input is not the flow's.
   */
  resumeFor?(input: FlowInput, deps: D): FlowState | null;
  /**
   * The person took back the message an answer came from: ask for the `removed` answers
   * again now, or say why the `kept` ones could not go (`active` is where the person
   * was). Null when none is the flow's.
   */
  reask?(unsent: { removed: string[]; kept: string[] }, active: FlowState | null, deps: D): FlowOutcome<E> | null;
}
