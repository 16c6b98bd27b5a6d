/**
 * Approvals: one mechanism for every outgoing batch (a round's results, a broadcast,
 * later a survey). A draft writes its messages as `held` outbox rows under one approval;
 * an approver answers it once: approval releases the rows (now, or at the scheduled time),
 * rejection discards them. Nobody approves their own draft while duties are separated
 * (DOMAIN.md §5: the prefecture signs off what goes out). Each kind's service wraps
 * `answerApproval` with what the kind adds (judging: decisions become final; broadcasts:
 * the quota check and quiet hours).
 */
import { appendAudit } from '../audit/audit-log.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { authorize, mayApprove, type Action, type Role } from '../staff/permissions.ts';
import { ApprovalRefusal } from './approval-errors.ts';
import * as repo from './approval.repository.ts';

export interface ApprovalDeps {
  transact: Transact;
  clock: () => Date;
}

export interface Approver {
  actor: string;
  roles: readonly Role[];
}

export interface AnswerOptions {
  /** The permission an approver of this kind needs. */
  action: Action;
  /** Nobody approves their own draft. */
  separateDuties: boolean;
  /** Runs under the approval's row lock before anything is written: refuse by throwing. */
  check?: (tx: SqlClient, approval: repo.ApprovalRow, approve: boolean) => Promise<void>;
  /** When approved rows are due (default: now). */
  dueAt?: (approval: repo.ApprovalRow, now: Date) => Date;
  /** The kind's own writes, in the same transaction, before the rows are released or discarded. */
  onAnswer?: (tx: SqlClient, approval: repo.ApprovalRow, approve: boolean) => Promise<void>;
  /** Runs first in the transaction (judging takes its contest lock, always before the approval's). */
  lockFirst?: (tx: SqlClient) => Promise<void>;
}

export interface Answered {
  approval: repo.ApprovalRow;
  /** Outbox rows released and due now: hand them to the delivery queue. */
  released: string[];
  /** When the released rows are due (approved), null when rejected. */
  dueAt: Date | null;
  discarded: number;
}

/** Answers an approval once, under its row lock; audited as `approval.approved` / `approval.rejected`. */
export async function answerApproval(deps: ApprovalDeps, approver: Approver, approvalId: string, approve: boolean, options: AnswerOptions): Promise<Answered> {
  const now = deps.clock();
  return deps.transact(async (tx) => {
    await options.lockFirst?.(tx);
    const approval = await repo.findApproval(tx, approvalId, true);
    if (!approval) throw new ApprovalRefusal('notFound');
    if (approval.status !== 'awaiting') throw new ApprovalRefusal('alreadyDecided', { status: approval.status });
    if (!mayApprove(approver.roles, approver.actor, approval.draftedBy, options.separateDuties, options.action).allowed) {
      throw new ApprovalRefusal(authorize(approver.roles, options.action).allowed ? 'ownDraft' : 'notPermitted');
    }
    await options.check?.(tx, approval, approve);
    await options.onAnswer?.(tx, approval, approve);
    await repo.decideApproval(tx, approvalId, approve ? 'approved' : 'rejected', approver.actor, now);
    const dueAt = approve ? options.dueAt?.(approval, now) ?? now : null;
    const released = dueAt ? await repo.releaseHeld(tx, approvalId, dueAt, now) : [];
    const discarded = approve ? 0 : await repo.discardHeld(tx, approvalId);
    await appendAudit(tx, [{
      actor: approver.actor, action: approve ? 'approval.approved' : 'approval.rejected', entity: 'approval', entityId: approvalId,
      detail: { kind: approval.kind, subject: approval.subject, messages: approval.messages, ...(dueAt ? { dueAt: dueAt.toISOString() } : { discarded }) },
    }], now);
    return { approval, released, dueAt, discarded };
  });
}
