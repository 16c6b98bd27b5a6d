/**
 * A handoff as staff read it in the human inbox: its card (who, why, since when, the
 * state of their application, the conversation) and its buttons, and a participant's
 * line as staff read it. The staff feed posts them (post-handoff-notice.ts); the inbox
 * command lists them (bot/staff/inbox-commands.ts).
 */
import type { HandoffApplication } from '../../../core/handoff/handoff-application.ts';
import type { Exchange, HandoffView } from '../../../core/handoff/handoff.service.ts';
import { latestThatFit } from '../../../core/clip-text.ts';
import type { Program } from '../../../core/program/load-program.ts';
import { formatInstant } from '../../../flows/engine/dates.ts';
import { feedComponentId } from './feed-component-id.ts';
import { feedText, isFeedMessageKey, type StaffLanguage } from './feed-messages.ts';
import type { StaffButton, StaffCard } from './staff-view.ts';

/**
 * A handoff as staff read it: who, why, since when, the state of their application, and
 * the conversation, one line per message with who said it, in order (participant text is
 * theirs: personal, shown as plain text). When it does not fit in `room` characters, the
 * latest lines are kept.
 */
export function handoffCard(deps: { program: Program }, view: HandoffView, application: HandoffApplication, language: StaffLanguage, room = 3_000): StaffCard {
  const conversation = view.exchanges.map((e) => ({
    speaker: feedText(language, e.from === 'participant' ? 'inbox.speaker.participant' : 'inbox.speaker.bot'),
    // One message, one line: its own line breaks would read as separate messages.
    text: exchangeText(language, e).replace(/\s*\n+\s*/g, ' ／ ').trim(),
  }));
  return {
    title: feedText(language, 'inbox.card.title', { participant: view.participant }),
    ...(conversation.length ? { conversation: latestWithin(conversation, room) } : {}),
    fields: [
      { name: feedText(language, 'inbox.card.reason'), value: feedText(language, view.reason === 'asked' ? 'inbox.reason.asked' : 'inbox.reason.misunderstood') },
      { name: feedText(language, 'inbox.card.since'), value: formatInstant(view.openedAt.toISOString(), language, deps.program.timeZone) },
      { name: feedText(language, 'inbox.card.application'), value: applicationState(language, application) },
      { name: feedText(language, 'inbox.card.language'), value: view.language === 'en' ? 'English' : '日本語' },
    ],
  };
}

/**
 * A participant's line as staff read it: typed text as it is; a tapped button, a picked
 * date, a sent file or a sticker marked as such (「（ボタン）応募する」). Lines recorded
 * before the kind was kept already carry their mark.
 */
export function exchangeText(language: StaffLanguage, exchange: Pick<Exchange, 'text' | 'kind'>): string {
  switch (exchange.kind) {
    case 'button': return feedText(language, 'inbox.kind.button', { text: exchange.text });
    case 'date': return feedText(language, 'inbox.kind.date', { text: exchange.text });
    case 'file': return feedText(language, 'inbox.kind.file', { text: exchange.text });
    case 'other': {
      const key = `inbox.other.${exchange.text}`;
      return feedText(language, 'inbox.kind.other', { text: isFeedMessageKey(key) ? feedText(language, key) : exchange.text });
    }
    default: return exchange.text;
  }
}

/** The latest lines whose text fits `room` characters together (the last one cut from its start if it alone is longer). */
function latestWithin(lines: Array<{ speaker: string; text: string }>, room: number): Array<{ speaker: string; text: string }> {
  const size = (line: { speaker: string; text: string }) => Array.from(line.text).length + line.speaker.length + 2;
  const kept = latestThatFit(lines, room, size);
  const last = lines.at(-1);
  if (kept.length > 0 || !last) return kept;
  return [{ speaker: last.speaker, text: `…${Array.from(last.text).slice(-(room - last.speaker.length - 3)).join('')}` }];
}

function applicationState(language: StaffLanguage, application: HandoffApplication): string {
  switch (application.status) {
    case 'none': return feedText(language, 'inbox.app.none');
    case 'draft': return feedText(language, 'inbox.app.draft', { answered: application.answered, total: application.total });
    case 'submitted': return feedText(language, 'inbox.app.submitted', {
      receipt: application.receipt, document: application.hasDocument ? '' : feedText(language, 'inbox.app.noDocument'),
    });
    case 'withdrawn': return feedText(language, 'inbox.app.withdrawn', { receipt: application.receipt ?? '' }).trim();
  }
}

export function handoffButtons(handoffId: string, language: StaffLanguage, participant?: string): StaffButton[] {
  const who = participant ? ` ${participant}` : '';
  return [
    { id: feedComponentId.reply(handoffId), label: `${feedText(language, 'inbox.button.reply')}${who}`, style: 'primary' },
    { id: feedComponentId.close(handoffId), label: `${feedText(language, 'inbox.button.close')}${who}`, style: 'secondary' },
  ];
}
