import type { OtherBooking } from '../../flows/bookings/other-booking.ts';
import type { ProgramConfig } from '../../flows/index.ts';
import type { Clash } from './overlapping-booking.ts';

/**
 * A clash as the refusal names it: the seminar's title or the booth's organisation from
 * the program file (the id when the file no longer has it), with the times as stored.
 * Named here because the refusing module's flows see only their own section of the file.
 */
export function nameOtherBooking(clash: Clash, program: ProgramConfig): OtherBooking {
  const times = { startsAt: clash.startsAt.toISOString(), endsAt: clash.endsAt.toISOString() };
  if (clash.kind === 'seminar') {
    const title = program.seminars?.list.find((s) => s.id === clash.seminarId)?.title;
    return { kind: 'seminar', name: title ?? { ja: clash.seminarId, en: clash.seminarId }, ...times };
  }
  const organisation = program.booths?.booths.find((b) => b.id === clash.boothId)?.organisation;
  return { kind: 'consultation', name: organisation ?? { ja: clash.boothId, en: clash.boothId }, ...times };
}
