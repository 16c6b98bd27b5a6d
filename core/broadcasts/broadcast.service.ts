/**
 * Broadcasts: staff-written news to a segment (core/segments), held for approval like
 * every outgoing batch (core/approvals). A draft resolves the segment once and writes one
 * held outbox row per recipient, all in one send, so the approver approves exactly the
 * people the preview counted. The preview shows the count, the billed-message estimate
 * and the month's quota; a test send goes to the drafter alone; approval checks the
 * quota again (no half-sent broadcast) and releases the rows now or at the scheduled
 * time, moved out of quiet hours.
 */
import { randomUUID } from 'node:crypto';
import { containsMyNumber } from '../../flows/validators/my-number.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { ApprovalRefusal } from '../approvals/approval-errors.ts';
import * as approvals from '../approvals/approval.repository.ts';
import { answerApproval, type Answered, type Approver } from '../approvals/approval.service.ts';
import { checkQuota, refuseOverQuota, type QuotaCheck, type QuotaSource } from '../approvals/message-quota.ts';
import { createOutboxRows } from '../outbox/outbox.repository.ts';
import { literalText } from '../outbox/outbox-content.ts';
import { outsideQuietHours, type QuietHours } from '../../flows/engine/quiet-hours.ts';
import { createSend } from '../outbox/sends.repository.ts';
import type { Program } from '../program/load-program.ts';
import { segmentById, segmentRecipients, type SegmentChoice } from '../segments/segment-registry.ts';

export interface BroadcastDeps {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  program: Program;
  clock: () => Date;
  /** The month's LINE quota; without it (no LINE channel) nothing is billed and nothing is checked. */
  quota?: QuotaSource;
  /** Default: the program file's `quietHours`, in the program's time zone. */
  quietHours?: QuietHours;
}

export interface BroadcastDraft {
  /** What staff call it (the send report's label); no personal data. */
  title: string;
  /** Japanese first; English optional (without it, English readers get the Japanese). */
  text: { ja: string; en?: string };
  segment: SegmentChoice;
  /** When it goes out once approved; null or absent: as soon as it is approved. */
  sendAt?: Date | null;
}

export interface BroadcastPreview {
  approvalId: string;
  title: string;
  status: approvals.ApprovalRow['status'];
  draftedBy: string;
  segment: SegmentChoice;
  recipients: { total: number; line: number; blocked: number; discord: number };
  /** Billed messages: one per LINE recipient who has not blocked the account. */
  billed: number;
  /** null when no quota source is configured; `unknown` when LINE did not answer. */
  quota: QuotaCheck | 'unknown' | null;
  text: { ja: string; en: string };
  sendAt: Date | null;
  /** When approving now would send it: the scheduled time (or now) moved out of quiet hours. */
  dueIfApprovedNow: Date;
  sendId: string | null;
}

/** LINE's limit for a text message, in UTF-16 units. */
const TEXT_LIMIT = 5000;
const TITLE_LIMIT = 80;

/** Writes the broadcast's held rows and its approval; returns the preview. */
export async function draftBroadcast(deps: BroadcastDeps, actor: string, draft: BroadcastDraft): Promise<BroadcastPreview> {
  const now = deps.clock();
  const title = draft.title.trim();
  const ja = draft.text.ja.trim();
  const en = draft.text.en?.trim() || ja;
  if (!title || title.length > TITLE_LIMIT || !ja || ja.length > TEXT_LIMIT || en.length > TEXT_LIMIT) throw new ApprovalRefusal('badText', { limit: TEXT_LIMIT });
  if ([title, ja, en].some(containsMyNumber)) throw new ApprovalRefusal('myNumber');
  if (draft.sendAt && draft.sendAt.getTime() < now.getTime()) throw new ApprovalRefusal('badSendAt');
  const segment = segmentById(draft.segment.id);
  if (!segment) throw new ApprovalRefusal('unknownSegment', { segment: draft.segment.id });
  const id = randomUUID();
  await deps.transact(async (tx) => {
    const recipients = await segmentRecipients(tx, deps.program, draft.segment);
    if (recipients === null) throw new ApprovalRefusal('unknownSegment', { segment: draft.segment.id });
    if (recipients.length === 0) throw new ApprovalRefusal('emptySegment');
    const sendId = await createSend(tx, { kind: 'broadcast', label: title, createdBy: actor }, now);
    const content = literalText({ ja, en });
    await approvals.insertApproval(tx, {
      id, kind: 'broadcast', subject: title, segment: draft.segment, draftedBy: actor, messages: recipients.length, sendAt: draft.sendAt ?? null, sendId,
    }, now);
    await createOutboxRows(tx, deps.sealer, recipients.map((participantId) => ({
      participantId, content, kind: 'broadcast', about: { entity: 'approval', id }, sendId, approvalId: id, notBefore: draft.sendAt ?? now,
    })), now);
    await appendAudit(tx, [{
      actor, action: 'broadcast.drafted', entity: 'approval', entityId: id,
      detail: { segment: draft.segment.id, params: draft.segment.params, recipients: recipients.length, sendAt: draft.sendAt?.toISOString() ?? null, english: Boolean(draft.text.en?.trim()) },
    }], now);
  });
  return (await broadcastPreview(deps, id))!;
}

/** What an approver (or the drafter) reads before answering; null for no such broadcast. */
export async function broadcastPreview(deps: BroadcastDeps, approvalId: string): Promise<BroadcastPreview | null> {
  const approval = await approvals.findApproval(deps.db, approvalId);
  if (!approval || approval.kind !== 'broadcast') return null;
  const recipients = await approvals.heldRecipients(deps.db, approvalId);
  const text = await approvals.heldText(deps.db, deps.sealer, approvalId);
  const quota = deps.quota ? await deps.quota().then((reading) => checkQuota(reading, recipients.line), () => 'unknown' as const) : null;
  return {
    approvalId, title: approval.subject, status: approval.status, draftedBy: approval.draftedBy,
    segment: approval.segment ?? { id: 'unknown', params: {} }, recipients, billed: recipients.line, quota, text,
    sendAt: approval.sendAt, dueIfApprovedNow: dueAt(deps, approval, deps.clock()), sendId: approval.sendId,
  };
}

/** Broadcasts waiting for an approver, oldest first, at most `limit`, each previewed. */
export async function awaitingBroadcasts(deps: BroadcastDeps, limit = 10): Promise<BroadcastPreview[]> {
  const waiting = (await approvals.findAwaitingApprovals(deps.db, 'broadcast')).slice(0, limit);
  return (await Promise.all(waiting.map((a) => broadcastPreview(deps, a.id)))).filter((p): p is BroadcastPreview => p !== null);
}

/**
 * Sends the draft to the asker alone (their own participant: a Discord DM, or in local
 * mode the console's LINE user), outside the send and its report. Only while it awaits
 * an answer: it shows what would go out.
 */
export async function testSendBroadcast(deps: BroadcastDeps, actor: string, approvalId: string, ownParticipantId: string | null): Promise<string> {
  if (!ownParticipantId) throw new ApprovalRefusal('noOwnChannel');
  const now = deps.clock();
  return deps.transact(async (tx) => {
    const approval = await approvals.findApproval(tx, approvalId, true);
    if (!approval || approval.kind !== 'broadcast') throw new ApprovalRefusal('notFound');
    if (approval.status !== 'awaiting') throw new ApprovalRefusal('alreadyDecided', { status: approval.status });
    const text = await approvals.heldText(tx, deps.sealer, approvalId);
    const [outboxId] = await createOutboxRows(tx, deps.sealer, [{
      participantId: ownParticipantId, content: literalText(text), kind: 'broadcast-test', about: { entity: 'approval', id: approvalId }, notBefore: now,
    }], now);
    await appendAudit(tx, [{ actor, action: 'broadcast.testSent', entity: 'approval', entityId: approvalId, detail: { outboxId } }], now);
    return outboxId!;
  });
}

/**
 * An approver's answer. Approval first reads the month's quota: a broadcast that would
 * go past it is refused whole rather than cut off half-way (LINE refuses pushes over the
 * limit). Rejection discards the held rows.
 */
export async function answerBroadcast(deps: BroadcastDeps, approver: Approver, approvalId: string, approve: boolean): Promise<Answered> {
  return answerApproval(deps, approver, approvalId, approve, {
    action: 'broadcasts.approve',
    separateDuties: deps.program.judging.separateDuties,
    check: async (tx, approval) => {
      if (approval.kind !== 'broadcast') throw new ApprovalRefusal('notFound');
      if (approve) await refuseOverQuota(deps.quota, (await approvals.heldRecipients(tx, approvalId)).line);
    },
    dueAt: (approval, now) => dueAt(deps, approval, now),
  });
}

function dueAt(deps: BroadcastDeps, approval: Pick<tables.Approval, 'sendAt'>, now: Date): Date {
  const wanted = approval.sendAt && approval.sendAt.getTime() > now.getTime() ? approval.sendAt : now;
  return outsideQuietHours(wanted, deps.quietHours ?? deps.program.quietHours, deps.program.timeZone);
}
