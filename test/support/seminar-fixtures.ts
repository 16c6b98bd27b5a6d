/** Seminars, rules and helpers for the seminar tests (test/seminars, test/flows/seminar-booking.flow.test.ts). */
import { appendAudit } from '../../core/audit/audit-log.ts';
import type { SqlClient, Transact } from '../../core/db/types.ts';
import type { SeminarRules } from '../../core/seminars/seminar-service-types.ts';
import { syncSeminars } from '../../core/seminars/sync-seminars.ts';
import { DEFAULT_QUIET_HOURS } from '../../flows/engine/quiet-hours.ts';
import { seminarSettingsSchema, seminarsSchema, type SeminarConfig, type SeminarSettings, type SeminarsConfig } from '../../flows/seminar/seminar-config.ts';

/** Two weeks before the built-in event's seminars (23 Jan 2027, Tokyo). */
export const BEFORE_SEMINARS = new Date('2027-01-10T10:00:00+09:00');

/** A seminar on the event day; `from`/`to` as HH:MM in Tokyo. */
export function seminar(id: string, capacity: number, from = '13:30', to = '14:20', extra: Partial<SeminarConfig> = {}): SeminarConfig {
  return {
    id, capacity,
    title: { ja: `セミナー ${id}`, en: `Seminar ${id}` },
    speaker: { ja: '講師', en: 'Speaker' },
    room: { ja: '会議室A', en: 'Room A' },
    startsAt: `2027-01-23T${from}:00+09:00`,
    endsAt: `2027-01-23T${to}:00+09:00`,
    ...extra,
  };
}

export function seminarsConfig(list: SeminarConfig[], settings: Partial<SeminarSettings> = {}): SeminarsConfig {
  return seminarsSchema.parse({ settings: { ...seminarSettingsSchema.parse({}), ...settings }, list });
}

export function rules(settings: Partial<SeminarSettings> = {}, eventId?: string): SeminarRules {
  return {
    settings: { ...seminarSettingsSchema.parse({}), whoMayBook: 'anyone', ...settings },
    timing: { quietHours: DEFAULT_QUIET_HOURS, timeZone: 'Asia/Tokyo' },
    ...(eventId ? { eventId } : {}),
  };
}

export async function syncTestSeminars(transact: Transact, list: SeminarConfig[], now = BEFORE_SEMINARS, settings: Partial<SeminarSettings> = {}) {
  return syncSeminars(transact, rules(settings), seminarsConfig(list, settings), now);
}

/** Runs a service in a transaction of its own, appending its audit entries as the runtime does. */
export function audited<T extends { audit: Parameters<typeof appendAudit>[1] }>(transact: Transact, now: Date, work: (tx: SqlClient) => Promise<T>): Promise<T> {
  return transact(async (tx) => {
    const outcome = await work(tx);
    await appendAudit(tx, outcome.audit, now);
    return outcome;
  });
}
