import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { EventRegistrationStatus } from './event-registration-types.ts';

export type StatusCounts = Record<EventRegistrationStatus, number>;

export interface EventCounts extends StatusCounts {
  /** Places the event has (0 when it was never synced). */
  capacity: number;
  /** Attendee type → counts by status; only types someone chose appear. Not personal data. */
  byAttendeeType: Record<string, StatusCounts>;
}

/**
 * Registrations of an event counted by status and attendee type: the staff's /event, the
 * stats and the completion report. One statement; an event never synced counts zero.
 */
export async function eventCounts(db: SqlClient, eventId: string): Promise<EventCounts> {
  const rows = await db.rows<Pick<tables.EventRegistration, 'attendeeType'> & tables.Computed<{ status: EventRegistrationStatus | null; count: number }> | tables.Computed<{ attendeeType: null; status: null; count: number }>>`
    SELECT NULL AS "attendeeType", NULL AS "status", "capacity" AS "count" FROM "Event" WHERE "id" = ${eventId}
    UNION ALL
    SELECT "attendeeType", "status"::text, count(*)::int FROM "EventRegistration" WHERE "eventId" = ${eventId} GROUP BY "attendeeType", "status"`;
  const counts: EventCounts = { capacity: 0, ...zero(), byAttendeeType: {} };
  for (const row of rows) {
    if (row.status === null) {
      counts.capacity = row.count;
      continue;
    }
    counts[row.status] += row.count;
    const byType = (counts.byAttendeeType[row.attendeeType!] ??= zero());
    byType[row.status] += row.count;
  }
  return counts;
}

function zero(): StatusCounts {
  return { registered: 0, waitlisted: 0, cancelled: 0 };
}
