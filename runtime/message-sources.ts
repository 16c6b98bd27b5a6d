import type { ConversationState, FlowInput } from '../flows/index.ts';

/**
 * The answers of the last few messages: enough for the unsend people actually do (a
 * message just sent by mistake), small enough that the sealed state stays cheap to
 * open and seal on every turn. Older unsent answers stay, and staff can remove them.
 */
const KEEP = 20;

/** Remembers which answer a text message became, for `unsend`. */
export function rememberSource(
  previous: ConversationState, next: ConversationState, input: FlowInput, answered: string[],
): ConversationState {
  const sources = { ...previous.sources };
  if (input.type === 'text' && input.messageId && answered.length === 1) sources[input.messageId] = answered[0]!;
  const entries = Object.entries(sources).slice(-KEEP);
  return entries.length > 0 ? { ...next, sources: Object.fromEntries(entries) } : next;
}
