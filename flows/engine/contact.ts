/**
 * How people reach the program office and when staff answer, as text for messages:
 * from the program configuration (`contact`, `officeHours`), never written into a flow.
 */
import { translate } from '../catalog/catalog.ts';
import type { BaseProgram } from './base-program.ts';
import { formatDayTime } from './dates.ts';
import { officeStatus } from './office-hours.ts';
import type { Language, Text } from './types.ts';

/** The office, phone, e-mail, web page and hours, one per line. */
export function contactText(program: BaseProgram): Text {
  const lines = (language: Language) => {
    const { contact } = program;
    return [
      contact.office[language],
      contact.phone && translate(language, 'contact.phone', { phone: contact.phone }),
      contact.email && translate(language, 'contact.email', { email: contact.email }),
      contact.url,
      translate(language, 'contact.hours', { hours: contact.hours[language] }),
    ].filter(Boolean).join('\n');
  };
  return { literal: { ja: lines('ja'), en: lines('en') } };
}

/** The office's hours as people read them. */
export function hoursText(program: BaseProgram): Text {
  return { literal: program.contact.hours };
}

/** Whether staff are in now, and if not, when they will be, as text. */
export function staffAvailability(program: BaseProgram, now: Date): { open: boolean; next: Text | null } {
  const status = officeStatus(now, program.officeHours, program.timeZone);
  const next = status.nextOpening;
  return {
    open: status.open,
    next: next && { literal: { ja: formatDayTime(next.date, next.time, 'ja'), en: formatDayTime(next.date, next.time, 'en') } },
  };
}
