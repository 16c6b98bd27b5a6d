import type { Language } from '../../flows/index.ts';
import type { Db } from '../db/types.ts';
import type { AuditEntry } from '../audit/audit-log.ts';

export interface ParticipantRef {
  id: string;
  language: Language;
}

/** Finds the participant for a LINE user id, creating it on first contact. */
export async function ensureLineParticipant(db: Db, lineUserId: string, language: Language): Promise<ParticipantRef> {
  const row = await db.participant.upsert({
    where: { lineUserId },
    create: { lineUserId, language },
    update: {},
    select: { id: true, language: true },
  });
  return { id: row.id, language: row.language === 'en' ? 'en' : 'ja' };
}

export async function findLineParticipant(db: Db, lineUserId: string): Promise<ParticipantRef | null> {
  const row = await db.participant.findUnique({ where: { lineUserId }, select: { id: true, language: true } });
  return row ? { id: row.id, language: row.language === 'en' ? 'en' : 'ja' } : null;
}

/**
 * `unfollow`: LINE still answers pushes to a blocking user with 200 and bills them, so
 * the participant is marked and skipped; `follow` clears the mark.
 */
export async function setReachable(db: Db, participantId: string, reachable: boolean, at: Date): Promise<AuditEntry> {
  await db.participant.update({ where: { id: participantId }, data: { unreachableAt: reachable ? null : at } });
  return {
    actor: `line:${participantId}`,
    action: reachable ? 'participant.followed' : 'participant.unfollowed',
    entity: 'participant',
    entityId: participantId,
  };
}
