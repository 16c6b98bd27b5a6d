/**
 * The broadcast commands of the staff layer: the form for a broadcast's text, its
 * preview (recipients, billed messages, the month's quota, the text as participants read
 * it), the test send to oneself, an approver's answer, and the sends' reports. The
 * permission is checked before these run (staff-commands.ts); the broadcast service
 * checks the rest and raises an ApprovalRefusal, answered here in the asker's language.
 */
import { formatInstant } from '../../flows/engine/dates.ts';
import { ApprovalRefusal } from '../../core/approvals/approval-errors.ts';
import * as broadcasts from '../../core/broadcasts/broadcast.service.ts';
import { ownParticipantOf } from '../../core/broadcasts/own-participant.ts';
import { clipCharacters } from '../../core/clip-text.ts';
import { localTimeToInstant } from '../../flows/engine/quiet-hours.ts';
import { sendReports, type SendReport } from '../../core/outbox/sends.repository.ts';
import { segmentById, type SegmentChoice } from '../../core/segments/segment-registry.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffCard, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

export type BroadcastCommand = Extract<StaffCommand, { name: 'broadcastForm' | 'draftBroadcast' | 'broadcasts' | 'testBroadcast' | 'answerBroadcast' | 'sendReports' }>;

/** Discord's limits: a modal's text input holds 4,000 characters, a field 1,024. */
const INPUT_CHARS = 4000;
const TEXT_FIELD_CHARS = 1000;
/** Awaiting broadcasts shown at once: three buttons each within Discord's 25. */
const LIST_BROADCASTS = 5;
const REPORTS = 5;

export async function runBroadcastCommand(deps: StaffDeps, request: StaffRequest & { command: BroadcastCommand }): Promise<StaffReply> {
  try {
    return await broadcastReply(deps, request, request.command);
  } catch (error) {
    if (error instanceof ApprovalRefusal) return { text: staffText(request.language, `broadcast.refused.${error.code}` as StaffMessageKey, error.params) };
    throw error;
  }
}

async function broadcastReply(deps: StaffDeps, request: StaffRequest, command: BroadcastCommand): Promise<StaffReply> {
  const { language, actor } = request;
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  switch (command.name) {
    case 'broadcastForm': {
      checkSegment(command.segment);
      if (command.sendAt !== undefined) sendAtOf(deps, command.sendAt);
      return {
        modal: {
          id: componentId.broadcastForm(command.segment.id, Object.values(command.segment.params)[0], command.sendAt),
          title: t('broadcast.form.title'),
          inputs: [
            { id: 'title', label: t('broadcast.form.name'), placeholder: t('broadcast.form.namePlaceholder'), required: true, multiline: false, maxLength: 80 },
            { id: 'ja', label: t('broadcast.form.ja'), required: true, multiline: true, maxLength: INPUT_CHARS },
            { id: 'en', label: t('broadcast.form.en'), required: false, multiline: true, maxLength: INPUT_CHARS },
          ],
        },
      };
    }
    case 'draftBroadcast': {
      checkSegment(command.segment);
      const sendAt = command.sendAt === undefined ? null : sendAtOf(deps, command.sendAt);
      const preview = await broadcasts.draftBroadcast(deps, actor, {
        title: command.title, text: { ja: command.ja, ...(command.en ? { en: command.en } : {}) }, segment: command.segment, sendAt,
      });
      return {
        text: t('broadcast.drafted', { recipients: preview.recipients.total }),
        card: previewCard(deps, language, preview),
        buttons: [{ id: componentId.testBroadcast(preview.approvalId), label: t('broadcast.button.test'), style: 'secondary' }],
      };
    }
    case 'broadcasts': {
      const waiting = await broadcasts.awaitingBroadcasts(deps, LIST_BROADCASTS);
      if (waiting.length === 0) return { text: t('broadcast.none') };
      return {
        cards: waiting.map((p) => previewCard(deps, language, p)),
        buttons: waiting.flatMap((p) => [
          { id: componentId.approveBroadcast(p.approvalId), label: clipCharacters(`${t('broadcast.button.approve')}（${p.title}）`, 80), style: 'success' as const },
          { id: componentId.rejectBroadcast(p.approvalId), label: clipCharacters(`${t('broadcast.button.reject')}（${p.title}）`, 80), style: 'danger' as const },
          { id: componentId.testBroadcast(p.approvalId), label: clipCharacters(`${t('broadcast.button.test')}（${p.title}）`, 80), style: 'secondary' as const },
        ]),
      };
    }
    case 'testBroadcast': {
      const own = await (deps.ownParticipant ?? ((a: string) => ownParticipantOf(deps.db, a)))(actor);
      const outboxId = await broadcasts.testSendBroadcast(deps, actor, command.approvalId, own);
      await deps.release?.([outboxId]).catch(() => undefined);
      return { text: t('broadcast.testSent') };
    }
    case 'answerBroadcast': {
      const answered = await broadcasts.answerBroadcast(deps, { actor, roles: request.roles }, command.approvalId, command.approve);
      // Straight to the queue when due now; later ones (scheduled, quiet hours) the worker's sweep takes when their time comes.
      await deps.release?.(answered.released).catch(() => undefined);
      if (!answered.dueAt) return { text: t('broadcast.rejected', { discarded: answered.discarded }) };
      return { text: t('broadcast.approved', { messages: answered.approval.messages, at: when(deps, language, answered.dueAt) }) };
    }
    case 'sendReports': {
      const reports = await sendReports(deps.db, { latest: REPORTS });
      if (reports.length === 0) return { text: t('reports.none') };
      return { card: { title: t('reports.title'), fields: reports.map((r) => reportField(deps, language, r)) } };
    }
  }
}

/** The preview: who, what it costs, the quota, when, and the text in both languages. */
export function previewCard(deps: StaffDeps, language: StaffLanguage, p: broadcasts.BroadcastPreview): StaffCard {
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  return {
    title: t('broadcast.preview.title', { title: p.title }),
    description: quotaLine(language, p),
    fields: [
      { name: t('broadcast.preview.segment'), value: segmentName(language, p.segment) },
      { name: t('broadcast.preview.recipients'), value: t('broadcast.preview.recipientsValue', { ...p.recipients }) },
      { name: t('broadcast.preview.billed'), value: t('broadcast.preview.billedValue', { billed: p.billed }) },
      {
        name: t('broadcast.preview.when'),
        value: p.sendAt ? t('broadcast.preview.scheduled', { at: when(deps, language, p.dueIfApprovedNow) }) : t('broadcast.preview.onApproval', { at: when(deps, language, p.dueIfApprovedNow) }),
      },
      { name: t('broadcast.preview.draftedBy'), value: p.draftedBy },
      { name: t('broadcast.preview.ja'), value: clipCharacters(p.text.ja, TEXT_FIELD_CHARS) },
      { name: t('broadcast.preview.en'), value: clipCharacters(p.text.en, TEXT_FIELD_CHARS) },
    ],
  };
}

function quotaLine(language: StaffLanguage, p: broadcasts.BroadcastPreview): string {
  if (p.quota === null) return staffText(language, 'broadcast.quota.none');
  if (p.quota === 'unknown') return staffText(language, 'broadcast.quota.unknown');
  if (p.quota.limit === null) return staffText(language, 'broadcast.quota.unlimited', { used: p.quota.used });
  const params = { billed: p.billed, used: p.quota.used, limit: p.quota.limit, remaining: p.quota.remaining ?? 0 };
  return staffText(language, p.quota.exceeds ? 'broadcast.quota.exceeds' : 'broadcast.quota.within', params);
}

function reportField(deps: StaffDeps, language: StaffLanguage, r: SendReport): { name: string; value: string } {
  return {
    name: clipCharacters(`${r.label}（${when(deps, language, r.createdAt)}）`, 256),
    value: staffText(language, 'reports.line', { targeted: r.targeted, sent: r.sent, skipped: r.skipped, failed: r.failed, waiting: r.waiting }),
  };
}

function segmentName(language: StaffLanguage, choice: SegmentChoice): string {
  const label = segmentById(choice.id)?.label[language] ?? choice.id;
  const params = Object.values(choice.params);
  return params.length ? `${label}（${params.join(', ')}）` : label;
}

function when(deps: StaffDeps, language: StaffLanguage, at: Date): string {
  return formatInstant(at.toISOString(), language, deps.program.timeZone);
}

function checkSegment(choice: SegmentChoice): void {
  const segment = segmentById(choice.id);
  if (!segment || !segment.params.safeParse(choice.params).success) throw new ApprovalRefusal('unknownSegment', { segment: choice.id });
}

/** A typed local time, in the future. */
function sendAtOf(deps: StaffDeps, text: string): Date {
  const at = localTimeToInstant(text, deps.program.timeZone);
  if (!at || at.getTime() <= deps.clock().getTime()) throw new ApprovalRefusal('badSendAt');
  return at;
}
