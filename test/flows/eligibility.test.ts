import { describe, expect, it } from 'vitest';
import { checkEligibility, earliestEligibleFoundingDate } from '../../flows/contest/eligibility.ts';
import type { ContestConfig } from '../../flows/program.ts';
import { program } from '../support/flow-harness.ts';

const contest: ContestConfig = { ...program.contest, deadline: '2027-03-31T23:59:59+09:00' };
const tz = 'Asia/Tokyo';

describe('checkEligibility', () => {
  it.each([
    ['no answers yet', {}, { status: 'undecided' }],
    ['no base in Chiba', { base: 'none' }, { status: 'ineligible', reason: 'noBase' }],
    ['base but no municipality yet', { base: 'now' }, { status: 'undecided' }],
    ['planned base, not founded', { base: 'planned', municipality: '柏市', founding: 'notYet' }, { status: 'eligible' }],
    ['founded, date not given yet', { base: 'now', municipality: '柏市', founding: 'corporation' }, { status: 'undecided' }],
    ['founded one day inside the 5 years', { base: 'now', municipality: '柏市', founding: 'corporation', foundingDate: '2022-04-01' }, { status: 'eligible' }],
    ['founded exactly 5 years before the deadline', { base: 'now', municipality: '柏市', founding: 'corporation', foundingDate: '2022-03-31' }, { status: 'ineligible', reason: 'tooOld' }],
    ['founded more than 5 years before', { base: 'now', municipality: '柏市', founding: 'sole', foundingDate: '2019-01-01' }, { status: 'ineligible', reason: 'tooOld' }],
    ['sole proprietor, recent start', { base: 'now', municipality: '柏市', founding: 'sole', foundingDate: '2025-05-01' }, { status: 'eligible' }],
    // The sole-proprietorship start date counts, however recent the incorporation.
    ['incorporated recently, sole start too old', { base: 'now', municipality: '柏市', founding: 'soleThenCorp', foundingDate: '2021-06-01' }, { status: 'ineligible', reason: 'tooOld' }],
    ['incorporated, sole start inside 5 years', { base: 'now', municipality: '柏市', founding: 'soleThenCorp', foundingDate: '2023-06-01' }, { status: 'eligible' }],
  ])('%s', (_name, answers, expected) => {
    expect(checkEligibility(answers as Record<string, string>, contest, tz)).toEqual(expected);
  });

  it('does not require a base when the program waives it', () => {
    const open = { ...contest, eligibility: { ...contest.eligibility, requireChibaBase: false } };
    expect(checkEligibility({ base: 'none', founding: 'notYet' }, open, tz)).toEqual({ status: 'eligible' });
  });

  it('counts the deadline date in Japan time, not UTC', () => {
    // 2027-04-01 00:30 JST is still 31 March in UTC; the deadline date must be 1 April.
    const late = { ...contest, deadline: '2027-04-01T00:30:00+09:00' };
    expect(earliestEligibleFoundingDate(late, tz)).toBe('2022-04-01');
  });

  it('falls back to 28 February when the deadline is on 29 February', () => {
    const leap = { ...contest, deadline: '2028-02-29T17:00:00+09:00' };
    expect(earliestEligibleFoundingDate(leap, tz)).toBe('2023-02-28');
  });

  it('takes the number of years from the configuration', () => {
    const three = { ...contest, eligibility: { ...contest.eligibility, maxYearsSinceFounding: 3 } };
    const answers = { base: 'now', municipality: '柏市', founding: 'corporation', foundingDate: '2023-06-01' };
    expect(checkEligibility(answers, three, tz)).toEqual({ status: 'ineligible', reason: 'tooOld' });
  });
});
