/**
 * Event registration as steps: consent (the event's own notice), the attendee type, then
 * the configured questions. Built once per event configuration: steps are immutable data.
 */
import type { Step } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Choice, Text } from '../engine/types.ts';
import type { EventConfig, EventQuestion } from './event-config.ts';

export type EventSection = 'consent' | 'attendee' | 'question';
/** `optional`: the question may be skipped with "None" (an affiliation for someone who has none). */
export type EventStep = Step<EventSection> & { optional?: boolean };

/** The value of the "None" button on optional questions: stored as an empty answer. */
export const SKIP = 'event-skip';

export function eventSteps(event: EventConfig): EventStep[] {
  let steps = built.get(event);
  if (!steps) {
    steps = [consentStep(event), attendeeTypeStep(event), ...event.questions.map(questionStep)];
    built.set(event, steps);
  }
  return steps;
}

const built = new WeakMap<EventConfig, EventStep[]>();

function consentStep(event: EventConfig): EventStep {
  const privacy = event.privacy;
  return {
    id: 'consent',
    section: 'consent',
    input: { kind: 'confirm', choices: [{ label: t('event.consent.agree'), value: 'yes' }, { label: t('event.consent.decline'), value: 'no' }] },
    question: t('event.consent', {
      purpose: { literal: privacy.purpose },
      recipients: { literal: privacy.recipients },
      retention: { literal: privacy.retention },
      contact: { literal: privacy.contact },
    }),
    // Consent is recorded, never an answer on the card.
    when: () => false,
  };
}

function attendeeTypeStep(event: EventConfig): EventStep {
  const choices = event.attendeeTypes.map((type): Choice => ({ label: { literal: type.label }, value: type.value, aliases: type.aliases }));
  return {
    id: 'attendeeType',
    section: 'attendee',
    input: { kind: 'choice', choices },
    question: t('event.attendeeType.prompt'),
    label: t('event.attendeeType.label'),
    display: (value) => choices.find((c) => c.value === value)?.label ?? literal(value),
  };
}

function questionStep(question: EventQuestion): EventStep {
  const choices = question.choices?.map((c): Choice => ({ label: { literal: c.label }, value: c.value, aliases: c.aliases })) ?? [];
  const hints: Text[] = [];
  if (question.kind === 'text' && question.maxLength) hints.push(t('prompt.limit', { limit: question.maxLength }));
  if (question.optional) hints.push(t('event.optional'));
  return {
    id: question.id,
    section: 'question',
    input: question.kind === 'choice'
      ? { kind: 'choice', choices }
      : question.kind === 'email' ? { kind: 'email' } : { kind: 'text', maxLength: question.maxLength ?? 200 },
    question: { literal: question.prompt },
    hints,
    label: { literal: question.label },
    display: (value) => (value === '' ? t('event.skip') : choices.find((c) => c.value === value)?.label ?? literal(value)),
    optional: question.optional,
  };
}

function literal(value: string): Text {
  return { literal: { ja: value, en: value } };
}
