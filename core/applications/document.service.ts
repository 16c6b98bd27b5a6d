import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient } from '../db/types.ts';

/** A file already fetched from LINE's data API, waiting to be stored with its turn. */
export interface ReceivedFile {
  sourceMessageId: string;
  fileName: string;
  content: Buffer;
  sha256: string;
}

export const documentContext = (applicationId: string, sourceMessageId: string) =>
  `document:${applicationId}:${sourceMessageId}`;

/** Stores the plan document sealed, received `now`; a newer document replaces the older one. */
export async function attachDocument(
  db: SqlClient, sealer: Sealer, applicationId: string, file: ReceivedFile, actor: string, now: Date,
): Promise<AuditEntry> {
  await db.run`DELETE FROM "ApplicationDocument" WHERE "applicationId" = ${applicationId}::uuid`;
  const context = documentContext(applicationId, file.sourceMessageId);
  await db.run`
    INSERT INTO "ApplicationDocument" ("id", "applicationId", "sourceMessageId", "fileNameSealed", "contentSealed", "sizeBytes", "sha256", "createdAt")
    VALUES (${randomUUID()}::uuid, ${applicationId}::uuid, ${file.sourceMessageId}, ${sealer.seal(file.fileName, context)},
            ${sealer.sealBytes(file.content, context)}::bytea, ${file.content.length}::integer, ${file.sha256},
            ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return {
    actor, action: 'application.documentAttached', entity: 'application', entityId: applicationId,
    detail: { sizeBytes: file.content.length, sha256: file.sha256 },
  };
}
