/**
 * What staff look up: the list (only columns kept in clear, never personal data) and one
 * application by receipt number (its sealed answers opened for the caller to filter by
 * role). SQL on a `SqlClient`, like the rest of the server.
 */
import type { Answers, ApplicationStatus } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { answersContext } from './application.repository.ts';
import { documentContext } from './document.service.ts';

export interface ApplicationFilter {
  status?: ApplicationStatus;
  /** In a judging round: submitted (document screening), or passed the round before and told so. */
  round?: 'document' | 'presentation' | 'final';
  municipality?: string;
  workshopOrigin?: boolean;
}

export type ApplicationSummary = Pick<tables.Application, 'id' | 'receiptNumber' | 'status' | 'municipality' | 'category' | 'workshopOrigin' | 'submittedAt'>;

/** The first `limit` matching applications (receipt order, drafts last) and how many match in all. */
export async function listApplications(
  db: SqlClient, contestId: string, filter: ApplicationFilter, limit: number,
): Promise<{ total: number; applications: ApplicationSummary[] }> {
  const rows = await db.rows<ApplicationSummary & tables.Computed<{ total: number }>>`
    SELECT "id"::text AS "id", "receiptNumber", "status"::text AS "status", "municipality", "category", "workshopOrigin", "submittedAt",
           count(*) OVER ()::int AS "total"
    FROM "Application"
    WHERE "contestId" = ${contestId}
      AND (${filter.status ?? null}::text IS NULL OR "status"::text = ${filter.status ?? null}::text)
      AND (${filter.municipality ?? null}::text IS NULL OR "municipality" = ${filter.municipality ?? null}::text)
      AND (${filter.workshopOrigin ?? null}::boolean IS NULL OR "workshopOrigin" = ${filter.workshopOrigin ?? null}::boolean)
      AND (${filter.round ?? null}::text IS NULL OR ("status" = 'submitted' AND (${filter.round ?? null}::text = 'document' OR EXISTS (
        SELECT 1 FROM "Decision" d
        WHERE d."applicationId" = "Application"."id" AND d."outcome" = 'pass' AND d."status" = 'published'
          AND d."roundId" = CASE ${filter.round ?? null}::text WHEN 'presentation' THEN 'document' ELSE 'presentation' END))))
    ORDER BY "receiptNumber" NULLS LAST, "createdAt"
    LIMIT ${limit}::integer`;
  return { total: rows[0]?.total ?? 0, applications: rows.map(({ total: _total, ...row }) => row) };
}

export type StaffApplication = ApplicationSummary & { answers: Answers; hasDocument: boolean };

/** One application by receipt number, answers opened; null when there is none. */
export function findByReceipt(db: SqlClient, sealer: Sealer, contestId: string, receiptNumber: string): Promise<StaffApplication | null> {
  return findOne(db, sealer, { contestId, receiptNumber });
}

/** One application by id (the staff feed's notices name ids), answers opened. */
export function findById(db: SqlClient, sealer: Sealer, id: string): Promise<StaffApplication | null> {
  return findOne(db, sealer, { id });
}

async function findOne(
  db: SqlClient, sealer: Sealer, by: { contestId: string; receiptNumber: string } | { id: string },
): Promise<StaffApplication | null> {
  const id = 'id' in by ? by.id : null;
  const contestId = 'id' in by ? null : by.contestId;
  const receiptNumber = 'id' in by ? null : by.receiptNumber;
  const [row] = await db.rows<ApplicationSummary & Pick<tables.Application, 'answersSealed'> & tables.Computed<{ hasDocument: boolean }>>`
    SELECT a."id"::text AS "id", a."receiptNumber", a."status"::text AS "status", a."municipality", a."category", a."workshopOrigin",
           a."submittedAt", a."answersSealed",
           EXISTS (SELECT 1 FROM "ApplicationDocument" d WHERE d."applicationId" = a."id") AS "hasDocument"
    FROM "Application" a
    WHERE (${id}::uuid IS NULL OR a."id" = ${id}::uuid)
      AND (${contestId}::text IS NULL OR (a."contestId" = ${contestId}::text AND a."receiptNumber" = ${receiptNumber}::text))`;
  if (!row) return null;
  const { answersSealed, ...summary } = row;
  return { ...summary, answers: sealer.openJson<Answers>(answersSealed, answersContext(row.id)) };
}

/**
 * The answers of some applications, opened: to tell staff which submitted applications
 * are incomplete (an answer taken back after submission), never shown as values.
 */
export async function answersOf(db: SqlClient, sealer: Sealer, ids: string[]): Promise<Map<string, Answers>> {
  if (ids.length === 0) return new Map();
  const rows = await db.rows<Pick<tables.Application, 'id' | 'answersSealed'>>`
    SELECT "id"::text AS "id", "answersSealed" FROM "Application" WHERE "id" = ANY(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, sealer.openJson<Answers>(row.answersSealed, answersContext(row.id))]));
}

/** Whether the application with this receipt number has a plan document (nothing opened). */
export async function hasDocumentByReceipt(db: SqlClient, contestId: string, receiptNumber: string): Promise<boolean> {
  const [row] = await db.rows<tables.Computed<{ exists: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "ApplicationDocument" d JOIN "Application" a ON a."id" = d."applicationId"
                   WHERE a."contestId" = ${contestId} AND a."receiptNumber" = ${receiptNumber}) AS "exists"`;
  return row?.exists ?? false;
}

/** The newest plan document of an application, opened: for roles that may read the plan. */
export async function latestDocument(db: SqlClient, sealer: Sealer, applicationId: string): Promise<{ fileName: string; content: Buffer } | null> {
  const [row] = await db.rows<Pick<tables.ApplicationDocument, 'sourceMessageId' | 'fileNameSealed' | 'contentSealed'>>`
    SELECT "sourceMessageId", "fileNameSealed", "contentSealed" FROM "ApplicationDocument"
    WHERE "applicationId" = ${applicationId}::uuid ORDER BY "createdAt" DESC LIMIT 1`;
  if (!row) return null;
  const context = documentContext(applicationId, row.sourceMessageId);
  return { fileName: sealer.open(row.fileNameSealed, context), content: sealer.openBytes(row.contentSealed, context) };
}

/** Receipt numbers starting with what was typed, for autocomplete. */
export async function receiptsStartingWith(db: SqlClient, contestId: string, typed: string, limit: number): Promise<string[]> {
  const pattern = `${typed.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // LIKE matches no NULL: every row has its receipt number.
  const rows = await db.rows<tables.Narrowed<Pick<tables.Application, 'receiptNumber'>, { receiptNumber: string }>>`
    SELECT "receiptNumber" FROM "Application"
    WHERE "contestId" = ${contestId} AND "receiptNumber" LIKE ${pattern}
    ORDER BY "receiptNumber" LIMIT ${limit}::integer`;
  return rows.map((r) => r.receiptNumber);
}
