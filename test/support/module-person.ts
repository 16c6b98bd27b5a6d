/**
 * A person talking to one flow module on the pure engine, for flow tests: each message
 * steps the engine, the subclass says what core answers each effect with (`apply`) and
 * what the person's facts are (`deps`), and the module answers from those outcomes. Each
 * test keeps its own reading of what was said and offered.
 */
import { advance, answer, initialState } from '../../flows/index.ts';
import type { ConversationState, Effect, FlowDeps, FlowInput, FlowMessage, Language, Outcome } from '../../flows/index.ts';

export abstract class ModulePerson {
  state: ConversationState = initialState();
  effects: Effect[] = [];
  messages: FlowMessage[] = [];

  constructor(private readonly moduleId: string, public now: Date, public language: Language) {}

  send(input: FlowInput | string): this {
    const flowInput: FlowInput = typeof input === 'string' ? { type: 'text', text: input } : input;
    const step = advance(this.state, flowInput, this.deps());
    const outcomes = step.effects.flatMap((effect) => this.apply(effect));
    const answered = answer(step, outcomes.map((outcome) => ({ module: this.moduleId, outcome })), this.deps());
    this.state = answered.state;
    this.effects = step.effects;
    this.messages = answered.messages;
    return this;
  }

  choose(value: string): this {
    return this.send({ type: 'choice', value });
  }

  /** The buttons of the last message: its quick replies, or its card's actions. */
  get offered(): string[] {
    const last = this.messages.at(-1);
    if (!last) return [];
    return last.type === 'text' ? (last.choices ?? []).map((c) => c.value) : last.actions.map((a) => a.value);
  }

  /** What core answers this effect with (none for another module's). */
  protected abstract apply(effect: Effect): Outcome[];
  protected abstract deps(): FlowDeps;
}
