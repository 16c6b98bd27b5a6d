/**
 * UUIDs that sort in the order they were made (version 7: milliseconds, then a counter
 * within the millisecond, then random bits): rows written in one statement share their
 * `createdAt`, and a person's messages must still go out in the order they were written,
 * so ordering by (`createdAt`, `id`) keeps it. Monotonic within a process.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

export function orderedId(now = Date.now()): string {
  if (now <= lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
