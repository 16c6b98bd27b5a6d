import type { Answers, ApplicationFacts } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export const answersContext = (applicationId: string) => `application:${applicationId}:answers`;

export interface StoredApplication extends ApplicationFacts {
  id: string;
}

/** The participants' applications in a contest, unsealed, by participant id; one round trip. */
export async function findApplications(
  db: SqlClient, sealer: Sealer, contestId: string, participantIds: string[],
): Promise<Map<string, StoredApplication>> {
  type Row = Pick<tables.Application, 'id' | 'participantId' | 'status' | 'receiptNumber' | 'answersSealed'> & tables.Computed<{ hasDocument: boolean }>;
  const rows = await db.rows<Row>`
    SELECT a."id"::text AS "id", a."participantId"::text AS "participantId", a."status"::text AS "status", a."receiptNumber", a."answersSealed",
           EXISTS (SELECT 1 FROM "ApplicationDocument" d WHERE d."applicationId" = a."id") AS "hasDocument"
    FROM "Application" a
    WHERE a."contestId" = ${contestId} AND a."participantId" = ANY(${participantIds}::uuid[])`;
  return new Map(rows.map((row) => [row.participantId, {
    id: row.id,
    status: row.status,
    receiptNumber: row.receiptNumber,
    answers: sealer.openJson<Answers>(row.answersSealed, answersContext(row.id)),
    hasDocument: row.hasDocument,
  }]));
}

/** The participant's application in a contest, unsealed, or null. */
export async function findApplication(
  db: SqlClient, sealer: Sealer, contestId: string, participantId: string,
): Promise<StoredApplication | null> {
  return (await findApplications(db, sealer, contestId, [participantId])).get(participantId) ?? null;
}
