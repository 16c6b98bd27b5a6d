/**
 * Telling people that a seminar's time changed, through an approval like every outgoing
 * batch (core/approvals; DOMAIN.md §5: what goes out to the public is approved first).
 * The time change itself is done at once (changeSeminar); its notice is drafted in the
 * same transaction as held outbox rows — one per person booked, offered a seat or
 * waiting — and goes out only when an approver other than the drafter approves it.
 *
 * A later time change of the same seminar supersedes a notice still awaiting approval
 * (it would announce a time that no longer holds): that one is rejected by the system,
 * its rows discarded, and the new notice says the time before the first change.
 * On approval, rows for people who have since left the seminar are skipped.
 */
import { randomUUID } from 'node:crypto';
import type { Localized } from '../../flows/engine/base-program.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { ApprovalRefusal } from '../approvals/approval-errors.ts';
import * as approvals from '../approvals/approval.repository.ts';
import { answerApproval, type Answered, type Approver } from '../approvals/approval.service.ts';
import { refuseOverQuota, type QuotaSource } from '../approvals/message-quota.ts';
import { createOutboxRows } from '../outbox/outbox.repository.ts';
import { literalText } from '../outbox/outbox-content.ts';
import { createSend } from '../outbox/sends.repository.ts';
import { seminarNoticeText, type NoticeAudience } from './seminar-notice-text.ts';

export const SEMINAR_NOTICE_KIND = 'seminar-change';
/** The approval's subject: which seminar, so a later change finds the notice it supersedes. No personal data. */
const subjectOf = (seminarId: string) => `seminar:${seminarId}`;
/** Who supersedes a notice: the system, on a later change by `actor`. */
const SUPERSEDED_BY = 'system:superseded';

export interface NoticeDraft {
  seminarId: string;
  title: Localized;
  room: Localized;
  before: { startsAt: Date; endsAt: Date };
  after: { startsAt: Date; endsAt: Date };
  timeZone: string;
  actor: string;
  now: Date;
}

/** What was drafted: the approval (null when nobody is concerned), how many people by audience, and the notice it superseded. */
export interface DraftedNotice {
  approvalId: string | null;
  people: Record<NoticeAudience, number>;
  superseded: string | null;
  audit: AuditEntry[];
}

/**
 * Drafts the notice of a time change in the caller's transaction, which holds the
 * seminar's lock (changeSeminar took it), so the people read are exactly those the new
 * time concerns.
 */
export async function draftSeminarNotice(tx: SqlClient, sealer: Sealer, draft: NoticeDraft): Promise<DraftedNotice> {
  const audit: AuditEntry[] = [];
  const earlier = (await tx.rows<Pick<tables.Approval, 'id' | 'draftedAt'>>`
    SELECT "id"::text AS "id", "draftedAt" FROM "Approval"
    WHERE "kind" = ${SEMINAR_NOTICE_KIND} AND "subject" = ${subjectOf(draft.seminarId)} AND "status" = 'awaiting'
    ORDER BY "draftedAt" FOR UPDATE`)[0];
  let before = draft.before;
  if (earlier) {
    // The first notice's "before" is what people were last told.
    before = await noticeBefore(tx, earlier.id) ?? before;
    await approvals.decideApproval(tx, earlier.id, 'rejected', SUPERSEDED_BY, draft.now);
    const discarded = await approvals.discardHeld(tx, earlier.id);
    audit.push({ actor: draft.actor, action: 'seminar.noticeSuperseded', entity: 'approval', entityId: earlier.id, detail: { seminarId: draft.seminarId, discarded } });
  }
  const people = await tx.rows<Pick<tables.SeminarBooking, 'id' | 'participantId'> & { status: NoticeAudience }>`
    SELECT "id"::text AS "id", "participantId"::text AS "participantId", "status"::text AS "status"
    FROM "SeminarBooking" WHERE "seminarId" = ${draft.seminarId} AND "status" IN ('booked', 'offered', 'waitlisted') ORDER BY "joinOrder"`;
  const counts: Record<NoticeAudience, number> = { booked: 0, offered: 0, waitlisted: 0 };
  for (const p of people) counts[p.status] += 1;
  if (people.length === 0) return { approvalId: null, people: counts, superseded: earlier?.id ?? null, audit };
  const id = randomUUID();
  const facts = { title: draft.title, room: draft.room, before, after: draft.after, timeZone: draft.timeZone };
  // One content object per audience, shared by its rows, so each group can go out as one multicast.
  const contents = { booked: null, offered: null, waitlisted: null } as Record<NoticeAudience, ReturnType<typeof literalText> | null>;
  const contentFor = (audience: NoticeAudience) => (contents[audience] ??= literalText(seminarNoticeText(audience, facts)));
  const sendId = await createSend(tx, { kind: SEMINAR_NOTICE_KIND, label: `${draft.title.ja}（時間変更）`, createdBy: draft.actor }, draft.now);
  await approvals.insertApproval(tx, {
    id, kind: SEMINAR_NOTICE_KIND, subject: subjectOf(draft.seminarId), draftedBy: draft.actor, messages: people.length, sendId,
  }, draft.now);
  await createOutboxRows(tx, sealer, people.map((p) => ({
    participantId: p.participantId, content: contentFor(p.status), kind: 'seminar-time-changed',
    about: { entity: 'seminar-booking', id: p.id }, sendId, approvalId: id, notBefore: draft.now,
  })), draft.now);
  audit.push({
    actor: draft.actor, action: 'seminar.noticeDrafted', entity: 'approval', entityId: id,
    detail: {
      seminarId: draft.seminarId, ...counts,
      before: { startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString() },
      after: { startsAt: draft.after.startsAt.toISOString(), endsAt: draft.after.endsAt.toISOString() },
    },
  });
  return { approvalId: id, people: counts, superseded: earlier?.id ?? null, audit };
}

/**
 * The "before" time a superseded notice would have announced, read back from its draft's
 * audit entry (the approval row has no place for it, and the audit entry is the record).
 */
async function noticeBefore(tx: SqlClient, approvalId: string): Promise<{ startsAt: Date; endsAt: Date } | null> {
  const [row] = await tx.rows<Pick<tables.AuditLog, 'detail'> & { detail: { before?: { startsAt: string; endsAt: string } } }>`
    SELECT "detail" FROM "AuditLog" WHERE "entity" = 'approval' AND "entityId" = ${approvalId} AND "action" = 'seminar.noticeDrafted'
    ORDER BY "id" DESC LIMIT 1`;
  const before = row?.detail.before;
  return before ? { startsAt: new Date(before.startsAt), endsAt: new Date(before.endsAt) } : null;
}

export interface AwaitingNotice {
  approvalId: string;
  seminarId: string;
  draftedBy: string;
  draftedAt: Date;
  messages: number;
  /** What people booked will read (the others' texts differ in one sentence). */
  text: { ja: string; en: string };
}

/** Seminar notices waiting for an approver, oldest first. */
export async function awaitingSeminarNotices(db: SqlClient, sealer: Sealer, limit = 5): Promise<AwaitingNotice[]> {
  const waiting = (await approvals.findAwaitingApprovals(db, SEMINAR_NOTICE_KIND)).slice(0, limit);
  return Promise.all(waiting.map(async (a) => ({
    approvalId: a.id, seminarId: a.subject.replace(/^seminar:/, ''), draftedBy: a.draftedBy, draftedAt: a.draftedAt, messages: a.messages,
    text: await approvals.heldText(db, sealer, a.id),
  })));
}

export interface NoticeDeps {
  transact: Transact;
  clock: () => Date;
  separateDuties: boolean;
  quota?: QuotaSource;
}

/**
 * An approver's answer to a seminar notice (`seminars.approveNotice`; never their own
 * draft while duties are separated). Approval checks the month's LINE quota like a
 * broadcast, skips people no longer in the seminar, and releases the rest now.
 */
export async function answerSeminarNotice(deps: NoticeDeps, approver: Approver, approvalId: string, approve: boolean): Promise<Answered & { skipped: number }> {
  let skipped = 0;
  const answered = await answerApproval(deps, approver, approvalId, approve, {
    action: 'seminars.approveNotice',
    separateDuties: deps.separateDuties,
    check: async (tx, approval) => {
      if (approval.kind !== SEMINAR_NOTICE_KIND) throw new ApprovalRefusal('notFound');
      if (approve) await refuseOverQuota(deps.quota, (await approvals.heldRecipients(tx, approvalId)).line);
    },
    onAnswer: async (tx) => {
      if (!approve) return;
      skipped = await tx.run`
        UPDATE "OutboxMessage" o SET "status" = 'skipped', "lastError" = 'no longer in the seminar'
        WHERE o."approvalId" = ${approvalId}::uuid AND o."status" = 'held'
          AND NOT EXISTS (SELECT 1 FROM "SeminarBooking" b WHERE b."id"::text = o."entityId" AND b."status" IN ('booked', 'offered', 'waitlisted'))`;
    },
  });
  return { ...answered, skipped };
}
