/**
 * The seminar rows made to match the program file at start (core/seminars/sync-seminars.ts).
 * A capacity the file raised offers seats to people waiting; they are told by push,
 * through outbox rows written in the same transaction, so nobody is offered a seat unannounced.
 */
import type { Sealer } from '../core/crypto/sealer.ts';
import type { Transact } from '../core/db/types.ts';
import { offerNotifications } from '../core/modules/seminar-notices.ts';
import { createOutboxRows } from '../core/outbox/outbox.repository.ts';
import { seminarRules } from '../core/seminars/seminar-rules.ts';
import { syncSeminars, type SeminarSync } from '../core/seminars/sync-seminars.ts';
import type { ProgramConfig } from '../flows/program.ts';
import type { QuietHours } from '../flows/engine/quiet-hours.ts';
import { notificationRows } from './notify-participants.ts';

export async function syncSeminarsAndTell(
  transact: Transact, sealer: Sealer, program: ProgramConfig & { quietHours?: QuietHours }, now: Date,
): Promise<SeminarSync | null> {
  const rules = seminarRules(program);
  if (!rules || !program.seminars) return null;
  const config = program.seminars;
  const telling: Transact = (work) => transact(async (tx) => {
    const sync = await work(tx) as SeminarSync;
    const notifications = await offerNotifications(tx, config, program.timeZone, sync.offers);
    await createOutboxRows(tx, sealer, notificationRows(notifications, now), now);
    return sync as never;
  });
  return syncSeminars(telling, rules, config, now);
}
