import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { SeminarRules } from './seminar-service-types.ts';

/**
 * The program's booking rule, for many people in one statement: with `whoMayBook:
 * registered` (the default), those holding a place at the program's event; with `anyone`,
 * everyone. A program with no event lets nobody book under the default rule.
 */
export async function mayBookSeminars(db: SqlClient, rules: SeminarRules, participantIds: readonly string[]): Promise<Set<string>> {
  if (rules.settings.whoMayBook === 'anyone') return new Set(participantIds);
  if (!rules.eventId || participantIds.length === 0) return new Set();
  const rows = await db.rows<Pick<tables.EventRegistration, 'participantId'>>`
    SELECT "participantId"::text AS "participantId" FROM "EventRegistration"
    WHERE "eventId" = ${rules.eventId} AND "status" = 'registered' AND "participantId" = ANY(${participantIds}::uuid[])`;
  return new Set(rows.map((r) => r.participantId));
}
