/**
 * The contest application's invariants: one per person per contest (unique key),
 * receipt numbers from a conditional counter update, status changes only from the
 * states that allow them (conditional updates, never read-then-write).
 */
import { randomUUID } from 'node:crypto';
import type { Answers } from '../../flows/index.ts';
import type { ContestConfig } from '../../flows/program.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { answersContext, type StoredApplication } from './application.repository.ts';
import { ApplicationError } from './application-errors.ts';
import { normalizeEmailForIndex } from './email-index.ts';

export interface ApplicationScope {
  db: SqlClient;
  sealer: Sealer;
  contest: ContestConfig;
  participantId: string;
  actor: string;
  now: Date;
}

/** An application row to create or update, already sealed; written in bulk by {@link writeApplicationSaves}. */
export interface ApplicationSave {
  id: string;
  contestId: string;
  participantId: string;
  answersSealed: string;
  emailIndex: string | null;
  municipality: string | null;
  category: string | null;
  workshopOrigin: boolean | null;
}

/** Seals new answers for the draft (creating it when there is none) and says what changed. */
export function prepareAnswers(
  scope: ApplicationScope, current: StoredApplication | null, answers: Answers,
): { save: ApplicationSave; audit: AuditEntry } {
  const id = current?.id ?? randomUUID();
  const save: ApplicationSave = {
    id,
    contestId: scope.contest.id,
    participantId: scope.participantId,
    answersSealed: scope.sealer.sealJson(answers, answersContext(id)),
    ...derivedColumns(scope, answers),
  };
  const changed = changedFields(current?.answers ?? {}, answers);
  const action = current ? 'application.answersChanged' : 'application.created';
  return { save, audit: audit(scope, action, id, { fields: changed, status: current?.status ?? 'draft' }) };
}

/**
 * Writes many answer saves in one statement, as of `now`. A new row starts as a draft;
 * the (contest, participant) unique key still refuses a second application per person.
 */
export async function writeApplicationSaves(db: SqlClient, saves: ApplicationSave[], now: Date): Promise<void> {
  if (saves.length === 0) return;
  const column = <K extends keyof ApplicationSave>(key: K) => saves.map((s) => s[key]);
  const at = now.toISOString();
  await db.run`
    INSERT INTO "Application" ("id", "contestId", "participantId", "answersSealed", "emailIndex", "municipality", "category", "workshopOrigin", "createdAt", "updatedAt")
    SELECT u."id"::uuid, u."contestId", u."participantId"::uuid, u."answersSealed", u."emailIndex", u."municipality", u."category", u."workshopOrigin",
           ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${column('id')}::text[], ${column('contestId')}::text[], ${column('participantId')}::text[], ${column('answersSealed')}::text[],
                ${column('emailIndex')}::text[], ${column('municipality')}::text[], ${column('category')}::text[], ${column('workshopOrigin')}::boolean[])
      AS u("id", "contestId", "participantId", "answersSealed", "emailIndex", "municipality", "category", "workshopOrigin")
    ON CONFLICT ("id") DO UPDATE SET
      "answersSealed" = EXCLUDED."answersSealed", "emailIndex" = EXCLUDED."emailIndex", "municipality" = EXCLUDED."municipality",
      "category" = EXCLUDED."category", "workshopOrigin" = EXCLUDED."workshopOrigin", "updatedAt" = EXCLUDED."updatedAt"`;
}

/** Creates the draft or replaces its answers; returns the application id. */
export async function saveAnswers(
  scope: ApplicationScope, current: StoredApplication | null, answers: Answers,
): Promise<{ id: string; audit: AuditEntry }> {
  const { save, audit: entry } = prepareAnswers(scope, current, answers);
  await writeApplicationSaves(scope.db, [save], scope.now);
  return { id: save.id, audit: entry };
}

/** Only a draft is discarded: a submitted application is withdrawn, not deleted. */
export async function discardDraft(scope: ApplicationScope, current: StoredApplication | null): Promise<AuditEntry | null> {
  if (!current) return null;
  const count = await scope.db.run`DELETE FROM "Application" WHERE "id" = ${current.id}::uuid AND "status" = 'draft'`;
  return count === 1 ? audit(scope, 'application.discarded', current.id, { reason: 'ineligible' }) : null;
}

/**
 * Submits a draft or a withdrawn application. The first submission takes the next
 * receipt number; a second tap finds nothing to update and changes nothing.
 */
export async function submitApplication(
  scope: ApplicationScope, current: StoredApplication,
): Promise<{ receiptNumber: string; audit: AuditEntry | null }> {
  const receiptNumber = current.receiptNumber ?? await nextReceiptNumber(scope);
  const now = scope.now.toISOString();
  const count = await scope.db.run`
    UPDATE "Application" SET "status" = 'submitted', "receiptNumber" = ${receiptNumber}, "withdrawnAt" = NULL,
      "submittedAt" = ${now}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${now}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${current.id}::uuid AND "status" IN ('draft', 'withdrawn')`;
  if (count === 0) {
    const [row] = await scope.db.rows<Pick<tables.Application, 'receiptNumber'>>`
      SELECT "receiptNumber" FROM "Application" WHERE "id" = ${current.id}::uuid`;
    if (!row?.receiptNumber) throw new ApplicationError('not-submittable', `application ${current.id} cannot be submitted`);
    return { receiptNumber: row.receiptNumber, audit: null };
  }
  return { receiptNumber, audit: audit(scope, 'application.submitted', current.id, { receiptNumber }) };
}

export async function withdrawApplication(scope: ApplicationScope, current: StoredApplication): Promise<AuditEntry | null> {
  const now = scope.now.toISOString();
  const count = await scope.db.run`
    UPDATE "Application" SET "status" = 'withdrawn',
      "withdrawnAt" = ${now}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${now}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${current.id}::uuid AND "status" = 'submitted'`;
  return count === 1 ? audit(scope, 'application.withdrawn', current.id, { receiptNumber: current.receiptNumber }) : null;
}

async function nextReceiptNumber(scope: ApplicationScope): Promise<string> {
  const rows = await scope.db.rows<Pick<tables.Contest, 'receiptSeq'>>`
    UPDATE "Contest" SET "receiptSeq" = "receiptSeq" + 1, "updatedAt" = ${scope.now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${scope.contest.id} RETURNING "receiptSeq"`;
  const seq = rows[0]?.receiptSeq;
  if (seq === undefined) throw new ApplicationError('not-found', `contest ${scope.contest.id} is not in the database`);
  return `${scope.contest.receiptPrefix}-${String(seq).padStart(4, '0')}`;
}

/** Columns kept in clear for staff filters and counts; none of them identifies a person. */
function derivedColumns(scope: ApplicationScope, answers: Answers) {
  const questions = scope.contest.questions;
  const byIndex = (name: 'category' | 'workshopOrigin') => {
    const q = questions.find((question) => question.indexAs === name);
    return q ? answers[q.id] : undefined;
  };
  const email = questions.find((q) => q.kind === 'email');
  const emailValue = email ? answers[email.id] : undefined;
  const workshop = byIndex('workshopOrigin');
  return {
    municipality: answers.municipality ?? null,
    category: byIndex('category') ?? null,
    workshopOrigin: workshop === undefined ? null : workshop === 'yes',
    emailIndex: emailValue ? scope.sealer.blindIndex('email', normalizeEmailForIndex(emailValue)) : null,
  };
}

function changedFields(before: Answers, after: Answers): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

function audit(scope: ApplicationScope, action: string, id: string, detail: Record<string, unknown>): AuditEntry {
  return { actor: scope.actor, action, entity: 'application', entityId: id, detail };
}
