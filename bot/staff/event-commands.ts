/**
 * The event desk (DOMAIN.md §3): `/event` shows the registrations in figures — places,
 * registered, waitlisted, cancelled, and the same by attendee type — and, for roles that
 * may see who registered, a button for the roster; `/event roster` (or the button) hands
 * the roster over as CSV. The permission was checked before these run (staff-commands.ts):
 * `event.view` for the figures, `event.roster` for the roster, which is personal data and
 * audited by the export itself (core/events/export-roster.ts).
 */
import { eventCounts, type StatusCounts } from '../../core/events/event-counts.ts';
import { exportEventRosterCsv } from '../../core/events/export-roster.ts';
import { authorize } from '../../core/staff/permissions.ts';
import { formatInstant } from '../../flows/engine/dates.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage } from './staff-messages.ts';
import type { StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

export type EventCommand = Extract<StaffCommand, { name: 'event' | 'eventRoster' }>;

export async function runEventCommand(deps: StaffDeps, request: StaffRequest & { command: EventCommand }): Promise<StaffReply> {
  const { language } = request;
  const event = deps.program.event;
  if (!event) return { text: staffText(language, 'event.none') };
  if (request.command.name === 'eventRoster') {
    const { text, rows } = await exportEventRosterCsv(deps.transact, deps.sealer, event, {
      personal: true, actor: request.actor, now: deps.clock(), timeZone: deps.program.timeZone,
    });
    return { text: staffText(language, 'event.roster.file', { name: event.name[language], rows }), file: { name: `event-roster-${event.id}.csv`, content: text } };
  }
  const counts = await eventCounts(deps.db, event.id);
  // Before the first sync the event has no row yet: the configured places, nobody registered.
  const capacity = counts.capacity || event.registration.capacity;
  const when = (iso: string) => formatInstant(iso, language, deps.program.timeZone);
  const typeLabel = (value: string) => event.attendeeTypes.find((t) => t.value === value)?.label[language] ?? value;
  // Every configured type, in the configuration's order (zeros included), then any type no longer configured.
  const types = [...new Set([...event.attendeeTypes.map((t) => t.value), ...Object.keys(counts.byAttendeeType)])];
  return {
    card: {
      title: staffText(language, 'event.title', { name: event.name[language] }),
      description: staffText(language, 'event.schedule', {
        opens: when(event.registration.opensAt), closes: when(event.registration.closesAt), starts: when(event.startsAt),
      }),
      fields: [
        { name: staffText(language, 'event.places'), value: staffText(language, 'event.values.places', { capacity, free: Math.max(capacity - counts.registered, 0) }) },
        { name: staffText(language, 'event.counts'), value: countsText(language, counts) },
        ...types.map((type) => ({ name: typeLabel(type), value: countsText(language, counts.byAttendeeType[type] ?? { registered: 0, waitlisted: 0, cancelled: 0 }) })),
      ],
    },
    buttons: authorize(request.roles, 'event.roster').allowed
      ? [{ id: componentId.eventRoster, label: staffText(language, 'event.button.roster'), style: 'secondary' }]
      : [],
  };
}

function countsText(language: StaffLanguage, counts: StatusCounts): string {
  return staffText(language, 'event.values.counts', { ...counts });
}
