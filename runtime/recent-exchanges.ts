/**
 * The last few exchanges of a conversation as plain text, kept (sealed) in its state so
 * that staff taking it over see what was said (the human inbox). Inbox payloads are
 * erased once processed, so this is the only record, and it is short on purpose.
 */
import type { ConversationState, FlowInput } from '../flows/index.ts';
import type { Exchange } from '../core/handoff/handoff.service.ts';
import { clipCharacters } from '../core/clip-text.ts';

/**
 * Kept small on purpose: the state is sealed and written on every turn (measured: ten
 * exchanges of 300 characters cost ≈ 10 % more CPU per event). What the person wrote
 * matters most to staff; the bot's side is a reminder of where they were.
 */
const KEEP = 8;
const PARTICIPANT_CHARS = 200;
const BOT_CHARS = 60;

/**
 * What the participant did, as staff should read it: their words, or what the button they
 * tapped said (`label`, as they saw it), the date they picked, the name of the file they
 * sent, the kind of anything else (a sticker). `kind` says which; staff screens mark it
 * in their own language (bot/staff/inbox-commands.ts).
 */
export function describeInput(input: FlowInput, label?: string | null): Exchange | null {
  const line = (kind: NonNullable<Exchange['kind']>, text: string): Exchange => ({ from: 'participant', kind, text });
  switch (input.type) {
    case 'text': return { ...line('text', input.text), ...(input.messageId ? { messageId: input.messageId } : {}) };
    case 'choice': return line('button', label ?? '');
    case 'date': return line('date', input.date);
    case 'file': return line('file', input.fileName);
    case 'unsupported': return line('other', input.what);
    default: return null;
  }
}

/** What the bot sent: each message's text, or a card's alternative text. */
function describeSent(rendered: unknown[]): string[] {
  return rendered.flatMap((message) => {
    const m = message as { text?: unknown; altText?: unknown; content?: unknown };
    const text = typeof m.text === 'string' ? m.text : typeof m.altText === 'string' ? m.altText : typeof m.content === 'string' ? m.content : null;
    return text ? [text] : [];
  });
}

/** Adds this turn's lines: what the participant did (`said`, from {@link describeInput}) and what the bot answered. */
export function rememberExchange(state: ConversationState, said: Exchange | null, rendered: unknown[]): ConversationState {
  const added: Exchange[] = [
    ...(said === null ? [] : [said]),
    ...describeSent(rendered).map((text): Exchange => ({ from: 'bot', text })),
  ].map((e) => ({ ...e, text: clipCharacters(e.text, e.from === 'participant' ? PARTICIPANT_CHARS : BOT_CHARS) }));
  if (added.length === 0) return state;
  return { ...state, recent: [...(state.recent ?? []), ...added].slice(-KEEP) };
}
