/**
 * Which rich menu a participant should see: a pure function of facts ouen already holds
 * (their application, their event registration, published judging decisions) and the
 * clock. The worker links each LINE participant's menu by it (worker/rich-menu-link-worker.ts).
 *
 * Stages, latest first (the first that applies wins):
 * - `alumni`: the final's result was published for their application; or their event is
 *   over and they held a place; or the program is over (`richMenu.alumniAfter`) and they
 *   applied, registered or reached the final.
 * - `finalist`: passed the presentation screening (a published `pass`), final not yet decided.
 * - `attendee`: holds a registered place at the event (waiting for a place is not attending).
 * - `applicant`: submitted an application (a draft is still resumed from the new-friend menu's "apply").
 * - `new-friend`: everyone else.
 */
export const RICH_MENU_STAGES = ['new-friend', 'applicant', 'attendee', 'finalist', 'alumni'] as const;
export type RichMenuStage = (typeof RICH_MENU_STAGES)[number];

/** What decides a participant's stage; loaded for many at once (rich-menu.repository.ts). */
export interface StageFacts {
  application: 'draft' | 'submitted' | 'withdrawn' | null;
  registration: 'registered' | 'waitlisted' | 'cancelled' | null;
  /** A published `pass` in the presentation round: they present at the final. */
  finalist: boolean;
  /** A published decision in the final round for their application. */
  finalDecided: boolean;
}

export interface StageClock {
  now: Date;
  /** When the event ends (absent: no event configured). */
  eventEndsAt?: Date;
  /** When the program is over for everyone (`richMenu.alumniAfter`). */
  programEndsAt?: Date;
}

export function participantStage(facts: StageFacts, clock: StageClock): RichMenuStage {
  const now = clock.now.getTime();
  const applied = facts.application === 'submitted';
  const attending = facts.registration === 'registered';
  const finalist = facts.finalist && facts.application !== 'withdrawn';
  if (facts.finalDecided && facts.application !== 'withdrawn') return 'alumni';
  if (attending && clock.eventEndsAt && now >= clock.eventEndsAt.getTime()) return 'alumni';
  if (clock.programEndsAt && now >= clock.programEndsAt.getTime() && (applied || attending || finalist)) return 'alumni';
  if (finalist) return 'finalist';
  if (attending) return 'attendee';
  if (applied) return 'applicant';
  return 'new-friend';
}
