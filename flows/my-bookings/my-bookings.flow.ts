/**
 * 「予約確認」: everything the person has booked, in one answer. It never stays active —
 * the answer's buttons belong to the event, seminar and booth flows, which take them from
 * here as from their own messages — so it has no steps: start, back and repeat all show
 * the list again.
 */
import type { Flow, FlowOutcome } from '../engine/flow.ts';
import type { MyBookingsDeps } from './my-bookings-types.ts';
import { bookingsMessages, current, emptyMessage } from './my-bookings-view.ts';

export const MY_BOOKINGS_FLOW_ID = 'my-bookings';

type Outcome = FlowOutcome<never>;

export const myBookingsFlow: Flow<MyBookingsDeps, never> = {
  id: MY_BOOKINGS_FLOW_ID,
  start: show,
  handle: (_state, _input, deps) => show(deps),
  back: (_state, deps) => show(deps),
  repeat: (_state, deps) => show(deps),
  offers: () => [],
};

function show(deps: MyBookingsDeps): Outcome {
  const facts = current(deps.facts['my-bookings'], deps.now);
  return { state: null, messages: facts ? bookingsMessages(facts, deps) : [emptyMessage(deps)], effects: [] };
}
