/**
 * The contest's eligibility rule (DOMAIN.md §1), checked at the application deadline:
 * a business base in Chiba (now or planned), and not founded, or founded less than
 * N years before the deadline. A sole proprietor who incorporated counts from the
 * sole-proprietorship start date, which is the date the flow asks them for.
 */
import { calendarDate, yearsBefore } from '../engine/dates.ts';
import type { Answers } from '../engine/types.ts';
import type { ContestConfig } from './contest-config.ts';

export type Eligibility =
  | { status: 'eligible' }
  | { status: 'undecided' }
  | { status: 'ineligible'; reason: 'noBase' | 'tooOld' };

export function checkEligibility(answers: Answers, contest: ContestConfig, timeZone: string): Eligibility {
  if (answers.base === undefined) return { status: 'undecided' };
  if (answers.base === 'none' && contest.eligibility.requireChibaBase) {
    return { status: 'ineligible', reason: 'noBase' };
  }
  if (answers.base !== 'none' && answers.municipality === undefined) return { status: 'undecided' };
  if (answers.founding === undefined) return { status: 'undecided' };
  if (answers.founding === 'notYet') return { status: 'eligible' };
  if (answers.foundingDate === undefined) return { status: 'undecided' };
  const limit = earliestEligibleFoundingDate(contest, timeZone);
  return answers.foundingDate > limit ? { status: 'eligible' } : { status: 'ineligible', reason: 'tooOld' };
}

/**
 * Founded on this date exactly is N full years before the deadline, so not eligible:
 * eligibility needs a founding date strictly after it.
 */
export function earliestEligibleFoundingDate(contest: ContestConfig, timeZone: string): string {
  const deadlineDate = calendarDate(new Date(contest.deadline), timeZone);
  return yearsBefore(deadlineDate, contest.eligibility.maxYearsSinceFounding);
}
