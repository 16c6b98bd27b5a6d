/**
 * The booth desk (DOMAIN.md §3, support booths): `/booth` without a booth shows every
 * booth in figures to pick from; with one, its slots and the consultations holding them —
 * by anonymous reference for every role that may see schedules, with the booker's name
 * and intake only for roles that may see personal data (`booths.personal`, each such view
 * audited by core/consultations/booth-schedule.ts) — and a no-show button per booking
 * that has begun, for roles that may mark one (`booths.noShow`, audited by the service).
 * `/booth roster` (or the card's button) hands the schedule over as CSV with the bookers
 * (`booths.roster`, personal data, audited by core/consultations/export-booth-roster.ts).
 */
import { boothSchedule, type ScheduledSlot } from '../../core/consultations/booth-schedule.ts';
import { exportBoothRosterCsv } from '../../core/consultations/export-booth-roster.ts';
import { markNoShow } from '../../core/consultations/mark-no-show.ts';
import { authorize } from '../../core/staff/permissions.ts';
import { formatDate, calendarDate, localTime } from '../../flows/engine/dates.ts';
import { clipCharacters } from '../../core/clip-text.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffButton, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

export type BoothCommand = Extract<StaffCommand, { name: 'booth' | 'boothNoShow' | 'boothRoster' }>;

/** What an intake shows in the card: enough to prepare, within Discord's 4,096 characters. */
const INTAKE_CHARS = 80;
/** Discord takes five rows of five buttons. */
const BUTTONS = 25;

export async function runBoothCommand(deps: StaffDeps, request: StaffRequest & { command: BoothCommand }): Promise<StaffReply> {
  const { language, command } = request;
  const config = deps.program.booths;
  const event = deps.program.event;
  if (!config || !event) return { text: staffText(language, 'booth.none') };
  if (command.name === 'boothNoShow') {
    const outcome = await markNoShow(deps.transact, { eventId: event.id, consultationId: command.consultationId, actor: request.actor, now: deps.clock() });
    return { text: staffText(language, `booth.noShow.${outcome}`, { reference: command.consultationId.slice(0, 8) }) };
  }
  const boothId = command.boothId?.trim().toLowerCase();
  if (!boothId) return overview(deps, language);
  const booth = config.booths.find((b) => b.id === boothId);
  if (!booth) return { text: staffText(language, 'booth.unknown', { id: boothId, ids: config.booths.map((b) => b.id).join(', ') }) };
  if (command.name === 'boothRoster') {
    // `booths.roster` was checked; the intakes go with it only where `booths.personal` allows them too.
    const { text, rows } = await exportBoothRosterCsv(deps.transact, deps.sealer, {
      eventId: event.id, boothId: booth.id, event, intake: authorize(request.roles, 'booths.personal').allowed,
      actor: request.actor, now: deps.clock(), timeZone: deps.program.timeZone,
    });
    return { text: staffText(language, 'booth.roster.file', { organisation: booth.organisation[language], rows }), file: { name: `booth-roster-${booth.id}.csv`, content: text } };
  }
  const personal = authorize(request.roles, 'booths.personal').allowed;
  const now = deps.clock();
  const slots = await boothSchedule(deps.transact, deps.sealer, { eventId: event.id, boothId: booth.id, event, personal, actor: request.actor, now });
  const timeZone = deps.program.timeZone;
  const time = (slot: ScheduledSlot) => `${localTime(slot.startsAt, timeZone)}–${localTime(slot.endsAt, timeZone)}`;
  const live = slots.filter((s) => !s.retired);
  const lines = slots.flatMap((slot) => [
    slot.retired ? staffText(language, 'booth.slot.retired', { time: time(slot) }) : staffText(language, 'booth.slot', { time: time(slot), booked: slot.booked, capacity: slot.capacity }),
    ...(slot.consultations.length === 0 ? [staffText(language, 'booth.slot.empty')] : slot.consultations.flatMap((c) => [
      staffText(language, 'booth.booking', { reference: c.reference, name: c.name ? ` ${c.name}` : '', status: c.status === 'noShow' ? staffText(language, 'booth.booking.noShow') : '' }),
      ...(c.intake ? [staffText(language, 'booth.booking.intake', { intake: clipCharacters(c.intake.replace(/\s+/g, ' '), INTAKE_CHARS) })] : []),
    ])),
  ]);
  const first = live[0] ?? slots[0];
  const header = staffText(language, 'booth.header', {
    topic: booth.topic[language], day: first ? formatDate(calendarDate(first.startsAt, timeZone), language) : '',
    booked: live.reduce((n, s) => n + s.booked, 0), places: live.reduce((n, s) => n + s.capacity, 0),
  });
  const roster: StaffButton[] = authorize(request.roles, 'booths.roster').allowed
    ? [{ id: componentId.boothRoster(booth.id), label: staffText(language, 'booth.button.roster'), style: 'secondary' }]
    : [];
  const noShows: StaffButton[] = authorize(request.roles, 'booths.noShow').allowed
    ? slots.filter((s) => s.startsAt.getTime() <= now.getTime()).flatMap((slot) => slot.consultations.filter((c) => c.status === 'booked').map((c) => ({
      id: componentId.noShow(c.consultationId), label: staffText(language, 'booth.button.noShow', { time: localTime(slot.startsAt, timeZone), reference: c.reference }), style: 'secondary' as const,
    }))).slice(-(BUTTONS - roster.length))
    : [];
  const buttons = [...roster, ...noShows];
  return {
    card: {
      title: staffText(language, 'booth.title', { organisation: booth.organisation[language] }),
      // What participants wrote is quoted: shown as plain text, never as markup.
      description: clipCharacters([header, ...(personal ? [] : [staffText(language, 'booth.personalHidden')]), '', ...lines].join('\n'), 4_000),
      quoted: true,
      fields: [],
    },
    buttons,
  };
}

/** Every booth in figures, each a line that opens its schedule. */
async function overview(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const config = deps.program.booths!;
  const rows = await deps.db.rows<{ boothId: string; places: number; booked: number; noShows: number }>`
    SELECT s."boothId", sum(s."capacity")::int AS "places", sum(s."bookedCount")::int AS "booked",
           (SELECT count(*)::int FROM "Consultation" c WHERE c."boothId" = s."boothId" AND c."eventId" = s."eventId" AND c."status" = 'noShow') AS "noShows"
    FROM "BoothSlot" s WHERE s."eventId" = ${deps.program.event!.id} AND s."retiredAt" IS NULL
    GROUP BY s."boothId", s."eventId"`;
  const figures = new Map(rows.map((r) => [r.boothId, r]));
  const items = config.booths.map((booth) => {
    const f = figures.get(booth.id) ?? { places: 0, booked: 0, noShows: 0 };
    return { value: booth.id, label: clipCharacters(booth.organisation[language], 100), description: staffText(language, 'booth.overview.line', { organisation: booth.organisation[language], id: booth.id, ...f }) };
  });
  return {
    card: { title: staffText(language, 'booth.overview.title'), description: items.map((i) => i.description).join('\n'), fields: [] },
    pick: { id: componentId.booth, placeholder: staffText(language, 'booth.overview.pick'), items: items.map((i) => ({ ...i, description: clipCharacters(i.description, 100) })) },
  };
}
