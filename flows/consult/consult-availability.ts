/**
 * Which slots a person is offered: free places now (core's facts), far enough ahead
 * (the minimum notice), and not overlapping a consultation they hold (except the one they
 * are moving). Core checks all of it again when booking; this only keeps the buttons honest.
 */
import type { BoothConfig, BoothsConfig } from './consult-config.ts';
import { boothSlots, type BoothSlotSpec } from './consult-slots.ts';
import type { BoothsFacts } from './consult-types.ts';

export function freeSlots(
  config: BoothsConfig, booth: BoothConfig, facts: BoothsFacts, now: Date, moving?: { consultationId: string; slotId: string },
): BoothSlotSpec[] {
  const earliest = now.getTime() + config.settings.minNoticeMinutes * 60_000;
  const held = facts.consultations.filter((c) => c.status === 'booked' && c.consultationId !== moving?.consultationId);
  return boothSlots(booth).filter((slot) => {
    if (slot.id === moving?.slotId || (facts.free[slot.id] ?? 0) <= 0 || Date.parse(slot.startsAt) < earliest) return false;
    return !held.some((c) => Date.parse(c.startsAt) < Date.parse(slot.endsAt) && Date.parse(slot.startsAt) < Date.parse(c.endsAt));
  });
}

/** Whether any booth still has a slot that can be booked at `now` (ignoring places): booking is over when none has. */
export function bookingOpen(config: BoothsConfig, now: Date): boolean {
  const earliest = now.getTime() + config.settings.minNoticeMinutes * 60_000;
  return config.booths.some((booth) => boothSlots(booth).some((slot) => Date.parse(slot.startsAt) >= earliest));
}

/** Consultations counted toward the per-person limit: booked and missed ones. */
export function heldCount(facts: BoothsFacts): number {
  return facts.consultations.length;
}
