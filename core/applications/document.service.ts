import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Db } from '../db/types.ts';

/** A file already fetched from LINE's data API, waiting to be stored with its turn. */
export interface ReceivedFile {
  sourceMessageId: string;
  fileName: string;
  content: Buffer;
  sha256: string;
}

export const documentContext = (applicationId: string, sourceMessageId: string) =>
  `document:${applicationId}:${sourceMessageId}`;

/** Stores the plan document sealed; a newer document replaces the older one. */
export async function attachDocument(
  db: Db, sealer: Sealer, applicationId: string, file: ReceivedFile, actor: string,
): Promise<AuditEntry> {
  await db.applicationDocument.deleteMany({ where: { applicationId } });
  const context = documentContext(applicationId, file.sourceMessageId);
  await db.applicationDocument.create({
    data: {
      applicationId,
      sourceMessageId: file.sourceMessageId,
      fileNameSealed: sealer.seal(file.fileName, context),
      contentSealed: new Uint8Array(sealer.sealBytes(file.content, context)),
      sizeBytes: file.content.length,
      sha256: file.sha256,
    },
  });
  return {
    actor, action: 'application.documentAttached', entity: 'application', entityId: applicationId,
    detail: { sizeBytes: file.content.length, sha256: file.sha256 },
  };
}
