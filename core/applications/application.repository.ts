import type { Answers, ApplicationFacts, ApplicationStatus } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Db } from '../db/types.ts';

export const answersContext = (applicationId: string) => `application:${applicationId}:answers`;

export interface StoredApplication extends ApplicationFacts {
  id: string;
}

/** The participant's application in a contest, unsealed, or null. */
export async function findApplication(
  db: Db, sealer: Sealer, contestId: string, participantId: string,
): Promise<StoredApplication | null> {
  const row = await db.application.findUnique({
    where: { contestId_participantId: { contestId, participantId } },
    select: { id: true, status: true, receiptNumber: true, answersSealed: true, _count: { select: { documents: true } } },
  });
  if (!row) return null;
  return {
    id: row.id,
    status: row.status as ApplicationStatus,
    receiptNumber: row.receiptNumber,
    answers: sealer.openJson<Answers>(row.answersSealed, answersContext(row.id)),
    hasDocument: row._count.documents > 0,
  };
}
