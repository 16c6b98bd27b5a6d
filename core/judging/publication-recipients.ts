/**
 * Who a publication awaiting approval writes to, and with which outcome: what an approver
 * reads before approving (receipt numbers and outcomes, nothing more about the people).
 */
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type PublicationRecipient = Pick<tables.Decision, 'outcome'> & {
  /** The application's receipt number: entrants of a round all have one (judging.repository.ts `findEntrants`). */
  receipt: NonNullable<tables.Application['receiptNumber']>;
} & tables.Computed<{
  /** Withdrawn meanwhile: approval does not send them the result. */
  withdrawn: boolean;
  /** The outcome has a notice in the configuration (an outcome without one sends nothing). */
  message: boolean;
}>;

/** A page of a publication's decisions, in receipt order, and how many there are. */
export async function publicationRecipients(
  db: SqlClient, publicationId: string, page: { offset: number; limit: number },
): Promise<{ total: number; recipients: PublicationRecipient[] }> {
  const rows = await db.rows<PublicationRecipient & tables.Computed<{ total: number }>>`
    SELECT a."receiptNumber" AS "receipt", d."outcome", a."status" = 'withdrawn' AS "withdrawn",
           EXISTS (SELECT 1 FROM "OutboxMessage" o WHERE o."approvalId" = d."approvalId" AND o."participantId" = a."participantId") AS "message",
           count(*) OVER ()::int AS "total"
    FROM "Decision" d JOIN "Application" a ON a."id" = d."applicationId"
    WHERE d."approvalId" = ${publicationId}::uuid
    ORDER BY a."receiptNumber"
    OFFSET ${page.offset}::integer LIMIT ${page.limit}::integer`;
  return { total: rows[0]?.total ?? 0, recipients: rows.map(({ total: _total, ...row }) => row) };
}
