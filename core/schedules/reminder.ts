/**
 * A reminder a module declares: who gets it, computed when it fires (so a registration
 * cancelled the day before never gets the event reminder), and what it says, the same
 * content for everyone (so the delivery engine can multicast it). Modules list theirs on
 * their server module (`ServerModule.reminders`); the scheduler only knows this interface,
 * so seminar and booth reminders, waitlist-hold expiry or survey reminders plug in
 * without touching it.
 *
 * @example
 * const expiry: Reminder = {
 *   id: 'waitlist.hold-expiry',
 *   audience: async (db, fire) => [fire.schedule.participantId!],
 *   content: () => flowContent([{ type: 'text', text: { key: 'waitlist.holdExpired' } }]),
 * };
 */
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { OutboxContent } from '../outbox/outbox-content.ts';
import type { Program } from '../program/load-program.ts';

/** A schedule as a reminder sees it when it fires. */
export type FiringSchedule = Pick<tables.Schedule, 'id' | 'reminder' | 'entity' | 'entityId' | 'participantId' | 'slot' | 'runAt'>;

/** What a firing reminder is given: the schedule, the program, the moment. */
export interface Firing {
  schedule: FiringSchedule;
  program: Program;
  sealer: Sealer;
  now: Date;
}

export interface Reminder {
  /** `<module>.<name>`, stored on the schedule row. */
  id: string;
  /** The participants who get it now, read in the firing transaction. Empty: nobody (the entity is gone, the deadline passed). */
  audience(db: SqlClient, firing: Firing): Promise<string[]>;
  /**
   * One content for the whole audience, rendered in each person's language at send time.
   * It may read the entity as it stands now (`db`, the firing transaction): a seminar whose
   * time or room staff changed after the schedule was made.
   */
  content(firing: Firing, db: SqlClient): OutboxContent | Promise<OutboxContent>;
  /**
   * A change the firing itself carries out, before the audience is read, in the same
   * transaction (a waitlist offer whose hold ran out moves to the next person). Answers
   * messages for particular people, each their own (the next person's offer), written to
   * the outbox with the firing. Absent for reminders that only tell.
   */
  act?(db: SqlClient, firing: Firing): Promise<PersonalMessage[]>;
}

/** A message for one person that a reminder's `act` causes. */
export interface PersonalMessage {
  participantId: string;
  content: OutboxContent;
  /** What it is, on the outbox row (`seminar-offered`). */
  kind: string;
  about?: { entity: string; id: string };
}

/** A schedule a module derives from the program file (a deadline nudge), re-planned at every start. */
export interface PlannedSchedule {
  reminder: string;
  entity: string;
  entityId: string;
  /** Tells this schedule from the same reminder's others for the entity (`7d`). */
  slot: string;
  runAt: Date;
  urgent?: boolean;
}

/** What a module declares: its reminders, and the schedules the program file implies. */
export interface ModuleReminders {
  reminders: Reminder[];
  planned?(program: Program): PlannedSchedule[];
}
