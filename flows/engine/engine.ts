/**
 * The conversation engine over one list of flow modules (flows/modules.ts holds the
 * program's; tests build their own). All of it is pure:
 *
 * ```ts
 * const step = engine.advance(state, input, deps);        // state, messages, effects
 * // the runtime applies step.effects, collecting what they came to
 * const answered = engine.answer(step, outcomes, depsAfter); // the messages that depend on them
 * ```
 */
import { advance, choiceLabel } from './advance.ts';
import { mainMenu, type MenuOptions } from './menu.ts';
import type { AnyFlowModule } from './module.ts';
import { buildRegistry } from './registry.ts';
import type {
  ConversationState, EffectBase, EffectOutcome, FlowDeps, FlowInput, FlowMessage, StepResult, Text,
} from './types.ts';

export interface FlowEngine<E extends EffectBase = EffectBase> {
  readonly modules: readonly AnyFlowModule[];
  advance(state: ConversationState, input: FlowInput, deps: FlowDeps): StepResult<E>;
  /**
   * The step once its effects have run: unchanged without a continuation; otherwise the
   * module's `answer` (given its own outcomes) adds its messages after the step's and may
   * move the flow on. `deps` are the facts as the effects left them.
   */
  answer(step: StepResult<E>, outcomes: ReadonlyArray<{ module: string; outcome: EffectOutcome }>, deps: FlowDeps): StepResult<E>;
  /** What a tapped button said, as the person saw it: a menu word or one of the current step's choices. */
  choiceLabel(state: ConversationState, value: string, deps: FlowDeps): Text | null;
  mainMenu(deps: FlowDeps, lead?: Text, options?: MenuOptions): FlowMessage;
}

export function createFlowEngine<E extends EffectBase = EffectBase>(modules: readonly AnyFlowModule[]): FlowEngine<E> {
  const registry = buildRegistry(modules);
  const byId = new Map(modules.map((m) => [m.id, m]));
  return {
    modules,
    // Every effect in a step comes from the engine or from these modules' flows, whose
    // types make up E: the one place the engine's open effect type is narrowed.
    advance: (state, input, deps) => advance(registry, state, input, deps) as StepResult<E>,
    answer(step, outcomes, deps) {
      if (!step.continuation) return step;
      const { module: id, id: continuation } = step.continuation;
      const module = byId.get(id);
      if (!module?.answer) throw new Error(`flow module ${id} returned a continuation but has no answer`);
      const own = outcomes.filter((o) => o.module === id).map((o) => o.outcome);
      const answered = module.answer(continuation, own, deps);
      const active = answered.state === undefined ? step.state.active : answered.state;
      const { continuation: _done, ...rest } = step;
      return { ...rest, state: { ...step.state, active }, messages: [...step.messages, ...answered.messages] };
    },
    choiceLabel: (state, value, deps) => choiceLabel(registry, state, value, deps),
    mainMenu: (deps, lead, options) => mainMenu(registry, deps, lead, options),
  };
}
