/** The event's ticket card, and what someone promoted from the waitlist is told by push. */
import { formatInstant } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { FlowMessage, Language, SummaryRow, Text } from '../engine/types.ts';
import type { EventConfig } from './event-config.ts';
import type { TicketFacts } from './event-types.ts';

/** A cancel button's value: `event-cancel:<registration id>` (on the ticket and the waitlist message; event-registration.flow.ts). */
export const CANCEL_VALUE = 'event-cancel:';

/** The ticket: the QR code (its content is the signed token, nothing personal), the event, a cancel button. */
export function ticketCard(
  event: EventConfig, ticket: TicketFacts, registrationId: string, timeZone: string, attendeeType?: Text,
): FlowMessage {
  const rows: SummaryRow[] = [
    { label: t('event.row.event'), value: { literal: event.name } },
    { label: t('event.row.when'), value: eventWhen(event, timeZone) },
    { label: t('event.row.venue'), value: { literal: event.venue } },
    ...(attendeeType ? [{ label: t('event.attendeeType.label'), value: attendeeType }] : []),
  ];
  return {
    type: 'summary', title: t('event.ticket.title'), rows,
    image: { url: ticket.imageUrl, alt: t('event.ticket.alt') },
    actions: [{ label: t('event.ticket.cancel'), value: `${CANCEL_VALUE}${registrationId}` }],
    footer: t('event.ticket.footer'),
  };
}

/** Where the person stands on the waitlist, with the button to leave it. */
export function waitlistMessage(key: 'event.waitlisted' | 'event.already.waitlisted', position: number, registrationId: string): FlowMessage {
  return { type: 'text', text: t(key, { position }), choices: [{ label: t('event.waitlist.leave'), value: `${CANCEL_VALUE}${registrationId}` }] };
}

/** The person's attendee type as the event names it, for the ticket. */
export function attendeeLabel(event: EventConfig, attendeeType: string | undefined): Text | undefined {
  const type = event.attendeeTypes.find((a) => a.value === attendeeType);
  return type ? { literal: type.label } : undefined;
}

/** Told by push when a place came free and the first person waiting got it. */
export function promotedMessages(event: EventConfig, ticket: TicketFacts, registrationId: string, timeZone: string): FlowMessage[] {
  return [
    { type: 'text', text: t('event.promoted', { name: { literal: event.name } }) },
    ticketCard(event, ticket, registrationId, timeZone),
  ];
}

/** When the event is, in the program's time zone, in both languages. */
export function eventWhen(event: EventConfig, timeZone: string): Text {
  const at = (language: Language) => `${formatInstant(event.startsAt, language, timeZone)} – ${formatInstant(event.endsAt, language, timeZone)}`;
  return { literal: { ja: at('ja'), en: at('en') } };
}
