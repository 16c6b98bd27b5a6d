/**
 * A step of a form-like flow, as data: what it asks, what input it expects,
 * and how its answer reads on the confirmation card.
 */
import type { InputSpec } from './input.ts';
import type { Answers, DatePicker, FlowMessage, Text } from './types.ts';

/** `Section` names the groups of a flow's steps (the contest: consent, eligibility, applicant, plan). */
export interface Step<Section extends string = string> {
  id: string;
  section: Section;
  input: InputSpec;
  question: Text;
  /** Extra lines under the question: the length limit, "optional", file rules. */
  hints?: Text[];
  datePicker?: DatePicker;
  /** Label on the confirmation card; steps without one are not listed there. */
  label?: Text;
  /** How a stored answer reads on the card; defaults to the answer itself. */
  display?: (value: string) => Text;
  /** Whether the step applies, given the answers so far; absent means always. */
  when?: (answers: Answers) => boolean;
  /** Eligibility answers cannot change after submission. */
  lockedAfterSubmit?: boolean;
}

/** The message that asks a step's question, with its choices or date picker attached. */
export function promptFor(step: Step, lead: Text[] = []): FlowMessage {
  const text: Text = { join: [...lead, step.question, ...(step.hints ?? [])] };
  const choices = step.input.kind === 'choice' || step.input.kind === 'confirm'
    ? step.input.choices
    : step.input.kind === 'file' && step.input.allowLater
      ? [{ label: { key: 'file.later' as const }, value: step.input.laterValue }]
      : undefined;
  if (step.input.kind === 'date') return { type: 'text', text, datePicker: step.datePicker ?? {} };
  return choices ? { type: 'text', text, choices } : { type: 'text', text };
}

/** A step's re-prompt after a failed check: the specific reason, with the same buttons. */
export function repromptFor(step: Step, reason: Text): FlowMessage {
  const asked = promptFor(step) as Extract<FlowMessage, { type: 'text' }>;
  return { ...asked, text: reason };
}

/** Steps that apply to these answers, in order. */
export function pathOf<S extends Step>(steps: readonly S[], answers: Answers): S[] {
  return steps.filter((step) => step.when?.(answers) ?? true);
}

/** Answers reduced to the steps on the path, so a changed branch leaves nothing stale behind. */
export function pruneAnswers(steps: readonly Step[], answers: Answers): Answers {
  const kept: Answers = {};
  for (const step of pathOf(steps, answers)) {
    const value = answers[step.id];
    if (value !== undefined) kept[step.id] = value;
  }
  return kept;
}

/** The first step on the path still without an answer. */
export function firstUnanswered<S extends Step>(steps: readonly S[], answers: Answers): S | undefined {
  return pathOf(steps, answers).find((step) => answers[step.id] === undefined);
}
