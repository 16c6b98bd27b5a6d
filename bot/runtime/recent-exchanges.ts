/**
 * The last few exchanges of a conversation as plain text, kept (sealed) in its state so
 * that staff taking it over see what was said (the human inbox). Inbox payloads are
 * erased once processed, so this is the only record, and it is short on purpose.
 */
import type { ConversationState, FlowInput } from '../../flows/index.ts';
import type { Exchange } from '../../core/handoff/handoff.service.ts';
import { clipCharacters } from '../../core/clip-text.ts';

/**
 * Kept small on purpose: the state is sealed and written on every turn (measured: ten
 * exchanges of 300 characters cost ≈ 10 % more CPU per event). What the person wrote
 * matters most to staff; the bot's side is a reminder of where they were.
 */
const KEEP = 8;
const PARTICIPANT_CHARS = 200;
const BOT_CHARS = 60;

/** What the participant sent, as staff should read it. */
export function describeInput(input: FlowInput): string | null {
  switch (input.type) {
    case 'text': return input.text;
    case 'choice': return `[ボタン] ${input.value}`;
    case 'date': return `[日付] ${input.date}`;
    case 'file': return `[ファイル] ${input.fileName}`;
    case 'unsupported': return `[${input.what}]`;
    default: return null;
  }
}

/** What the bot sent: each message's text, or a card's alternative text. */
function describeSent(rendered: unknown[]): string[] {
  return rendered.flatMap((message) => {
    const m = message as { text?: unknown; altText?: unknown };
    const text = typeof m.text === 'string' ? m.text : typeof m.altText === 'string' ? m.altText : null;
    return text ? [text] : [];
  });
}

export function rememberExchange(state: ConversationState, input: FlowInput, rendered: unknown[]): ConversationState {
  const said = describeInput(input);
  const messageId = input.type === 'text' ? input.messageId : undefined;
  const added: Exchange[] = [
    ...(said === null ? [] : [{ from: 'participant' as const, text: said, ...(messageId ? { messageId } : {}) }]),
    ...describeSent(rendered).map((text) => ({ from: 'bot' as const, text })),
  ].map((e) => ({ ...e, text: clipCharacters(e.text, e.from === 'participant' ? PARTICIPANT_CHARS : BOT_CHARS) }));
  if (added.length === 0) return state;
  return { ...state, recent: [...(state.recent ?? []), ...added].slice(-KEEP) };
}

