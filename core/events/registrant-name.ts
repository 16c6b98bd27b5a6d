import type { EventConfig } from '../../flows/event/event-config.ts';
import type { Sealer } from '../crypto/sealer.ts';
import { registrationAnswersContext, type EventAnswers } from './event-registration-types.ts';

/**
 * A registrant's name as they gave it at registration: the answer to the event's first
 * personal text question (the form asks the name first). Empty without a registration.
 * Personal data: callers open it only for roles that may see it, and audit the view.
 */
export function registrantName(sealer: Sealer, event: EventConfig | undefined, registration: { id: string | null; answersSealed: string | null }): string {
  if (!event || !registration.id || !registration.answersSealed) return '';
  const question = event.questions.find((q) => q.personal && q.kind === 'text');
  if (!question) return '';
  return sealer.openJson<EventAnswers>(registration.answersSealed, registrationAnswersContext(registration.id))[question.id] ?? '';
}

/** All of a registrant's answers, opened (for rosters, which only roles that may see personal data export). */
export function registrantAnswers(sealer: Sealer, registration: { id: string | null; answersSealed: string | null }): EventAnswers {
  if (!registration.id || !registration.answersSealed) return {};
  return sealer.openJson<EventAnswers>(registration.answersSealed, registrationAnswersContext(registration.id));
}
