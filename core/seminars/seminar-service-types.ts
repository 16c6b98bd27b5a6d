/**
 * Shapes shared by the seminar services: what a service needs besides its own input (the
 * program's rules and the schedule timing), and a seat offered to someone waiting.
 */
import type { SeminarSettings } from '../../flows/seminar/seminar-config.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { ScheduleQueueChanges } from '../schedules/schedule-job.ts';
import type { ScheduleTiming } from '../schedules/schedule.service.ts';

/** The program's rules and where schedules are read: the same for every call in a process. */
export interface SeminarRules {
  settings: SeminarSettings;
  timing: ScheduleTiming;
  /** The program's event: `whoMayBook: registered` means holding a place at it. */
  eventId?: string;
}

/** A freed seat held for the next person waiting; tell them by push, through the outbox. */
export interface Offer {
  bookingId: string;
  participantId: string;
  seminarId: string;
  expiresAt: Date;
}

/**
 * What a change that may free seats did besides its outcome: the offers it made (tell
 * each person), the audit entries (for the caller to append), and the schedule queue's
 * changes (apply after commit where a queue is at hand; otherwise the worker's sweep adds
 * each job when it falls due).
 */
export interface SeatChanges {
  offers: Offer[];
  audit: AuditEntry[];
  queue: ScheduleQueueChanges;
}

/** No offers, no audit, no schedule changes: what a refusal did. */
export const noSeatChanges = (): SeatChanges => ({ offers: [], audit: [], queue: { add: [], remove: [] } });
