/**
 * A booth's slots, derived from its opening hours and slot length: each range is cut into
 * whole slots from its start (a remainder shorter than a slot is not offered). Pure, so
 * flows, core (the sync) and the reminders derive the same slots with the same ids.
 */
import type { BoothConfig, BoothsConfig } from './consult-config.ts';

export interface BoothSlotSpec {
  /** `<booth id>@<start in UTC, yyyymmddThhmm>`: stable while the hours do not move. */
  id: string;
  boothId: string;
  /** ISO instants in UTC. */
  startsAt: string;
  endsAt: string;
  capacity: number;
}

export function boothSlots(booth: BoothConfig): BoothSlotSpec[] {
  let slots = derived.get(booth);
  if (slots) return slots;
  const length = booth.slotMinutes * 60_000;
  slots = [];
  for (const range of [...booth.hours].sort((a, b) => Date.parse(a.from) - Date.parse(b.from))) {
    const end = Date.parse(range.to);
    for (let start = Date.parse(range.from); start + length <= end; start += length) {
      const startsAt = new Date(start).toISOString();
      slots.push({ id: slotIdOf(booth.id, startsAt), boothId: booth.id, startsAt, endsAt: new Date(start + length).toISOString(), capacity: booth.capacity });
    }
  }
  derived.set(booth, slots);
  return slots;
}

const derived = new WeakMap<BoothConfig, BoothSlotSpec[]>();

/** Every booth's slots, in configuration order. */
export function allSlots(config: BoothsConfig): BoothSlotSpec[] {
  return config.booths.flatMap(boothSlots);
}

/** The slot and its booth for an id, or null for an id the configuration does not have. */
export function findSlot(config: BoothsConfig, slotId: string): { slot: BoothSlotSpec; booth: BoothConfig } | null {
  const boothId = slotId.split('@')[0];
  const booth = config.booths.find((b) => b.id === boothId);
  const slot = booth && boothSlots(booth).find((s) => s.id === slotId);
  return booth && slot ? { slot, booth } : null;
}

export function slotIdOf(boothId: string, startsAt: string): string {
  return `${boothId}@${startsAt.slice(0, 16).replace(/[-:]/g, '')}`;
}

/** Slot ids as the flow and core accept them (checked, never trusted). */
export const SLOT_ID = /^[a-z0-9-]{2,30}@\d{8}T\d{4}$/;
