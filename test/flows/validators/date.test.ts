import { describe, expect, it } from 'vitest';
import { parseDate, validatePastDate } from '../../../flows/validators/date.ts';

describe('parseDate', () => {
  it.each([
    ['2021-04-01', '2021-04-01'],
    ['2021-4-1', '2021-04-01'],
    ['2021/4/1', '2021-04-01'],
    ['2021/04/01', '2021-04-01'],
    ['2021.4.1', '2021-04-01'],
    ['2021年4月1日', '2021-04-01'],
    ['2021年4月1', '2021-04-01'],
    ['2021 年 4 月 1 日', '2021-04-01'],
    ['２０２１年４月１日', '2021-04-01'],
    ['２０２１／４／１', '2021-04-01'],
    ['令和3年4月1日', '2021-04-01'],
    ['令和３年４月１日', '2021-04-01'],
    ['R3.4.1', '2021-04-01'],
    ['r3.4.1', '2021-04-01'],
    ['Ｒ３．４．１', '2021-04-01'],
    ['R3/4/1', '2021-04-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['㋿元年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['H31.4.30', '2019-04-30'],
    ['平成元年1月8日', '1989-01-08'],
    ['㍻2年2月2日', '1990-02-02'],
    ['昭和64年1月7日', '1989-01-07'],
    ['S50.10.10', '1975-10-10'],
    ['2024-02-29', '2024-02-29'],
    [' 2021-04-01 ', '2021-04-01'],
  ])('reads %j as %s', (text, value) => {
    expect(parseDate(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['not a date', 'きのう'],
    ['empty', ''],
    ['a missing day', '2021年4月'],
    ['a two-digit year', '21/4/1'],
    ['month 13', '2021-13-01'],
    ['day 0', '2021-04-00'],
    ['31 April', '2021-04-31'],
    ['29 February in a common year', '2023-02-29'],
    ['令和 before it began', '令和元年4月30日'],
    ['平成 after it ended', '平成31年5月1日'],
    ['平成 before it began', '平成元年1月7日'],
    ['era year 0', '令和0年5月1日'],
    ['an unknown era letter', 'M45.7.29'],
    ['a date and a time', '2021-04-01T10:00'],
    ['trailing words', '2021-04-01ごろ'],
  ])('rejects %s', (_name, text) => {
    expect(parseDate(text)).toEqual({ ok: false, reason: 'date.invalid' });
  });
});

describe('validatePastDate', () => {
  const today = '2025-06-01';

  it.each([
    ['2021-04-01', '2021-04-01'],
    ['2025-06-01', '2025-06-01'],
    ['令和7年5月31日', '2025-05-31'],
  ])('accepts %j (today or earlier)', (text, value) => {
    expect(validatePastDate(text, today)).toEqual({ ok: true, value });
  });

  it.each([
    ['2025-06-02', 'date.future'],
    ['令和8年1月1日', 'date.future'],
    ['2025-02-30', 'date.invalid'],
    ['いつか', 'date.invalid'],
  ])('rejects %j with %s', (text, reason) => {
    expect(validatePastDate(text, today)).toEqual({ ok: false, reason });
  });

  it('throws when today is not a calendar date, which is a programming error', () => {
    expect(() => validatePastDate('2021-04-01', '2025/06/01')).toThrow(/today/);
  });
});
