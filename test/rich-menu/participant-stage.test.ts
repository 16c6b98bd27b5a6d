import { describe, expect, it } from 'vitest';
import { participantStage, type StageFacts } from '../../core/rich-menu/participant-stage.ts';

const none: StageFacts = { application: null, registration: null, finalist: false, finalDecided: false };
const now = new Date('2026-12-10T00:00:00Z');
const before = new Date('2026-12-01T00:00:00Z');
const after = new Date('2027-02-01T00:00:00Z');

describe('participantStage', () => {
  it.each<[string, Partial<StageFacts>, { eventEndsAt?: Date; programEndsAt?: Date }, string]>([
    ['nobody yet', {}, {}, 'new-friend'],
    ['a draft is still a new friend (the menu\'s "apply" resumes it)', { application: 'draft' }, {}, 'new-friend'],
    ['a withdrawn application', { application: 'withdrawn' }, {}, 'new-friend'],
    ['a submitted application', { application: 'submitted' }, {}, 'applicant'],
    ['waiting for a place at the event', { registration: 'waitlisted' }, {}, 'new-friend'],
    ['a cancelled registration', { registration: 'cancelled' }, {}, 'new-friend'],
    ['a registered place', { registration: 'registered' }, {}, 'attendee'],
    ['an applicant holding a place', { application: 'submitted', registration: 'registered' }, {}, 'attendee'],
    ['passed the presentation round', { application: 'submitted', finalist: true, registration: 'registered' }, {}, 'finalist'],
    ['a finalist who withdrew', { application: 'withdrawn', finalist: true }, {}, 'new-friend'],
    ['the final decided', { application: 'submitted', finalist: true, finalDecided: true }, {}, 'alumni'],
    ['an attendee once the event is over', { registration: 'registered' }, { eventEndsAt: before }, 'alumni'],
    ['an attendee before the event ends', { registration: 'registered' }, { eventEndsAt: after }, 'attendee'],
    ['an applicant once the program is over', { application: 'submitted' }, { programEndsAt: before }, 'alumni'],
    ['a finalist once the program is over', { application: 'submitted', finalist: true }, { programEndsAt: before }, 'alumni'],
    ['someone who never took part, after the program', { application: 'draft' }, { programEndsAt: before }, 'new-friend'],
    ['an applicant before the program ends', { application: 'submitted' }, { programEndsAt: after }, 'applicant'],
  ])('%s', (_name, facts, clock, stage) => {
    expect(participantStage({ ...none, ...facts }, { now, ...clock })).toBe(stage);
  });
});
