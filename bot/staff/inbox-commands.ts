/**
 * The human inbox's staff commands: the answer form, the answer (signed, into the
 * outbox), closing, and the list of open handoffs. The permission (`inbox.reply`) is
 * checked before these run (staff-commands.ts).
 */
import { handoffApplication, type HandoffApplication } from '../../core/handoff/handoff-application.ts';
import { closeHandoff, findHandoff, HandoffRefusal, openHandoffIds, replyToHandoff, REPLY_MAX_CHARS, type Exchange, type HandoffView } from '../../core/handoff/handoff.service.ts';
import { latestThatFit } from '../../core/clip-text.ts';
import { formatInstant } from '../../flows/engine/dates.ts';
import { componentId } from './staff-components.ts';
import { isStaffMessageKey, staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffButton, StaffCard, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

/** Open handoffs listed at once. */
const INBOX_LIST = 3;

export type InboxCommand = Extract<StaffCommand, { name: 'inbox' | 'replyForm' | 'reply' | 'closeHandoff' }>;

export async function runInboxCommand(deps: StaffDeps, request: StaffRequest & { command: InboxCommand }): Promise<StaffReply> {
  const { language } = request;
  const handoffDeps = { ...deps, inbox: deps.program.inbox };
  const staff = { actor: request.actor, displayName: request.displayName ?? staffText(language, 'inbox.staff') };
  try {
    switch (request.command.name) {
      case 'inbox': {
        // The oldest few, each with the end of its conversation: a Discord message holds 6,000 characters of cards.
        const ids = await openHandoffIds(deps.db);
        const views = (await Promise.all(ids.slice(0, INBOX_LIST).map((id) => findHandoff(deps.db, deps.sealer, id))))
          .filter((v): v is HandoffView => v !== null);
        if (views.length === 0) return { text: staffText(language, 'inbox.empty') };
        const applications = await Promise.all(views.map((v) => handoffApplication(deps.db, deps.sealer, deps.program, v.participantId, deps.clock())));
        return {
          ...(ids.length > views.length ? { text: staffText(language, 'inbox.more', { rest: ids.length - views.length }) } : {}),
          cards: views.map((v, i) => handoffCard(deps, v, applications[i]!, language, 1_200)),
          buttons: views.flatMap((v) => handoffButtons(v.id, language, v.participant)),
        };
      }
      case 'replyForm': {
        const view = await findHandoff(deps.db, deps.sealer, request.command.handoffId);
        if (!view) return { text: staffText(language, 'inbox.notFound') };
        if (view.status !== 'open') return { text: staffText(language, 'inbox.closed') };
        return {
          modal: {
            id: componentId.replyForm(view.id), title: staffText(language, 'inbox.form.title', { participant: view.participant }),
            inputs: [{ id: 'text', label: staffText(language, 'inbox.form.label'), required: true, multiline: true, maxLength: REPLY_MAX_CHARS }],
          },
        };
      }
      case 'reply': {
        const outboxId = await replyToHandoff(handoffDeps, staff, request.command.handoffId, request.command.text);
        await deps.release?.([outboxId]).catch(() => undefined);
        return { text: staffText(language, 'inbox.sent'), announce: staffText(language, 'inbox.announce', { name: staff.displayName, text: request.command.text.trim() }) };
      }
      case 'closeHandoff': {
        const outboxId = await closeHandoff(handoffDeps, staff, request.command.handoffId);
        await deps.release?.([outboxId]).catch(() => undefined);
        return { text: staffText(language, 'inbox.closedNow') };
      }
    }
  } catch (error) {
    if (error instanceof HandoffRefusal) return { text: staffText(language, REFUSAL_KEYS[error.code]) };
    throw error;
  }
}

/**
 * A handoff as staff read it: who, why, since when, the state of their application, and
 * the conversation, one line per message with who said it, in order (participant text is
 * theirs: personal, shown as plain text). When it does not fit in `room` characters, the
 * latest lines are kept.
 */
export function handoffCard(deps: Pick<StaffDeps, 'program'>, view: HandoffView, application: HandoffApplication, language: StaffLanguage, room = 3_000): StaffCard {
  const conversation = view.exchanges.map((e) => ({
    speaker: staffText(language, e.from === 'participant' ? 'inbox.speaker.participant' : 'inbox.speaker.bot'),
    // One message, one line: its own line breaks would read as separate messages.
    text: exchangeText(language, e).replace(/\s*\n+\s*/g, ' ／ ').trim(),
  }));
  return {
    title: staffText(language, 'inbox.card.title', { participant: view.participant }),
    ...(conversation.length ? { conversation: latestWithin(conversation, room) } : {}),
    fields: [
      { name: staffText(language, 'inbox.card.reason'), value: staffText(language, view.reason === 'asked' ? 'inbox.reason.asked' : 'inbox.reason.misunderstood') },
      { name: staffText(language, 'inbox.card.since'), value: formatInstant(view.openedAt.toISOString(), language, deps.program.timeZone) },
      { name: staffText(language, 'inbox.card.application'), value: applicationState(language, application) },
      { name: staffText(language, 'inbox.card.language'), value: view.language === 'en' ? 'English' : '日本語' },
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
    case 'button': return staffText(language, 'inbox.kind.button', { text: exchange.text });
    case 'date': return staffText(language, 'inbox.kind.date', { text: exchange.text });
    case 'file': return staffText(language, 'inbox.kind.file', { text: exchange.text });
    case 'other': {
      const key = `inbox.other.${exchange.text}`;
      return staffText(language, 'inbox.kind.other', { text: isStaffMessageKey(key) ? staffText(language, key) : exchange.text });
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
    case 'none': return staffText(language, 'inbox.app.none');
    case 'draft': return staffText(language, 'inbox.app.draft', { answered: application.answered, total: application.total });
    case 'submitted': return staffText(language, 'inbox.app.submitted', {
      receipt: application.receipt, document: application.hasDocument ? '' : staffText(language, 'inbox.app.noDocument'),
    });
    case 'withdrawn': return staffText(language, 'inbox.app.withdrawn', { receipt: application.receipt ?? '' }).trim();
  }
}

export function handoffButtons(handoffId: string, language: StaffLanguage, participant?: string): StaffButton[] {
  const who = participant ? ` ${participant}` : '';
  return [
    { id: componentId.reply(handoffId), label: `${staffText(language, 'inbox.button.reply')}${who}`, style: 'primary' },
    { id: componentId.close(handoffId), label: `${staffText(language, 'inbox.button.close')}${who}`, style: 'secondary' },
  ];
}

const REFUSAL_KEYS = { closed: 'inbox.closed', empty: 'inbox.empty.text', notFound: 'inbox.notFound', myNumber: 'inbox.myNumber' } as const satisfies Record<HandoffRefusal['code'], string>;
