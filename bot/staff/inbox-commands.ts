/**
 * The human inbox's staff commands: the answer form, the answer (signed, into the
 * outbox), closing, and the list of open handoffs. The permission (`inbox.reply`) is
 * checked before these run (staff-commands.ts).
 */
import { handoffApplication } from '../../core/handoff/handoff-application.ts';
import { closeHandoff, findHandoff, HandoffRefusal, openHandoffIds, replyToHandoff, REPLY_MAX_CHARS, type HandoffView } from '../../core/handoff/handoff.service.ts';
import { handoffButtons, handoffCard } from '../../channels/discord/staff/handoff-card.ts';
import { componentId } from './staff-components.ts';
import { staffText } from './staff-messages.ts';
import type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

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

const REFUSAL_KEYS = { closed: 'inbox.closed', empty: 'inbox.empty.text', notFound: 'inbox.notFound', myNumber: 'inbox.myNumber' } as const satisfies Record<HandoffRefusal['code'], string>;
