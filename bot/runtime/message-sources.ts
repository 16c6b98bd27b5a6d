import type { ConversationState, FlowInput } from '../../flows/index.ts';

/** Enough to cover any message a person could still unsend in a live conversation. */
const KEEP = 100;

/** Remembers which answer a text message became, for `unsend`. */
export function rememberSource(
  previous: ConversationState, next: ConversationState, input: FlowInput, answered: string[],
): ConversationState {
  const sources = { ...previous.sources };
  if (input.type === 'text' && input.messageId && answered.length === 1) sources[input.messageId] = answered[0]!;
  const entries = Object.entries(sources).slice(-KEEP);
  return entries.length > 0 ? { ...next, sources: Object.fromEntries(entries) } : next;
}
