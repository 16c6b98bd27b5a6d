/** Messages of event registration that are sent outside the person's own turn. */
import type { FlowMessage } from '../engine/types.ts';
import type { EventConfig } from './event-config.ts';
import type { TicketFacts } from './event-types.ts';

/** Told by push when a place freed up and the first person waiting got it. */
export function promotedMessages(_event: EventConfig, _ticket: TicketFacts): FlowMessage[] {
  return [];
}
