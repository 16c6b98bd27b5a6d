/**
 * Registration for the program's event (DOMAIN.md §3) as a flow module: 「参加登録」
 * registers (consent, attendee type, the configured questions, a confirmation card),
 * 「参加登録確認」 shows the ticket or the place on the waitlist again. The menu offers
 * registration while it is open and the person holds no place, and "my registration"
 * once they hold one. Its facts are the person's registration; its section is optional,
 * so a program without an event loads and shows neither.
 */
import type { FlowModule } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import { eventSchema } from './event-config.ts';
import { eventCatalog } from './event.catalog.ts';
import { answerEvent, EVENT_FLOW_ID, eventRegistrationFlow } from './event-registration.flow.ts';
import { EVENT_MODULE, type EventDeps, type EventTypes } from './event-types.ts';

export const eventModule: FlowModule<typeof EVENT_MODULE, EventTypes> = {
  id: EVENT_MODULE,
  flows: [eventRegistrationFlow],
  entries: [
    { id: 'register', flow: EVENT_FLOW_ID, words: { ja: ['参加登録', '参加登録する', '参加申込', '参加申し込み', 'イベント参加'], en: ['register', 'sign up'] } },
    { id: 'myRegistration', flow: EVENT_FLOW_ID, words: { ja: ['参加登録確認', '参加登録の確認', '参加確認', 'チケット'], en: ['my registration', 'my ticket', 'ticket'] } },
  ],
  menu: [
    { entry: 'register', order: 30, label: () => t('event.menu.register'), when: (deps) => registrationOpen(deps) && !holdsPlace(deps) },
    { entry: 'myRegistration', order: 40, label: () => t('event.menu.mine'), when: holdsPlace },
  ],
  config: eventSchema.optional(),
  catalog: eventCatalog,
  answer: answerEvent,
};

function registrationOpen(deps: EventDeps): boolean {
  const event = deps.program.event;
  if (!event) return false;
  const now = deps.now.getTime();
  return now >= Date.parse(event.registration.opensAt) && now < Date.parse(event.registration.closesAt);
}

/** Registered, or waiting for a place. */
function holdsPlace(deps: EventDeps): boolean {
  const status = deps.facts.event?.status;
  return status === 'registered' || status === 'waitlisted';
}
