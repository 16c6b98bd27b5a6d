import { describe, expect, it } from 'vitest';
import {
  MY_NUMBER_MARK, containsMyNumber, findMyNumbers, isValid, redactMyNumbers, redactMyNumbersDeep,
} from '../../../flows/validators/my-number.ts';

// Numbers built with the statutory check digit (the last digit); changing it makes them invalid.
const VALID = ['423196056805', '123456789018', '987654321093', '111111111118'];

describe('isValid', () => {
  it.each(VALID)('accepts %s, whose check digit is right', (n) => expect(isValid(n)).toBe(true));

  it.each(VALID)('refuses %s with any other last digit', (n) => {
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== n[11]) expect(isValid(n.slice(0, 11) + d)).toBe(false);
    }
  });

  it('refuses anything that is not twelve ASCII digits', () => {
    expect(isValid('42319605680')).toBe(false);
    expect(isValid('4231960568055')).toBe(false);
    expect(isValid('42319605680a')).toBe(false);
  });
});

describe('containsMyNumber', () => {
  it.each([
    ['plain', '423196056805'],
    ['inside a sentence', '私の番号は423196056805です'],
    ['4-4-4 with hyphens', '4231-9605-6805'],
    ['with a double hyphen', '4231--9605--6805'],
    ['with spaced hyphens', '4231 - 9605 - 6805'],
    ['with dots', '4231.9605.6805'],
    ['with slashes', '4231/9605/6805'],
    ['with single spaces between every digit', '4 2 3 1 9 6 0 5 6 8 0 5'],
    ['one group per line', '4231\n9605\n6805'],
    ['with Windows line breaks', '4231\r\n9605\r\n6805'],
    ['full-width digits and an ideographic space', '４２３１　９６０５　６８０５'],
    ['with katakana long-vowel marks as dashes', '4231ー9605ー6805'],
    ['as the local part of an e-mail address', '423196056805@example.jp'],
    ['followed by other digits after a space', '4231 9605 6805 1'],
    ['after a stray digit', '1 423196056805'],
    ['Arabic-Indic digits', '٤٢٣١٩٦٠٥٦٨٠٥'],
    ['mathematical digits', '𝟒𝟐𝟑𝟏𝟗𝟔𝟎𝟓𝟔𝟖𝟎𝟓'],
    ['the mark the edge leaves', `番号は${MY_NUMBER_MARK}です`],
    ['glued to a word', 'MyNo4231-9605-6805'],
    ['after a letter', 'x4231 9605 6805'],
    ['before a letter', '4231 9605 6805x'],
    ['in brackets', '番号(4231)9605-6805です'],
    ['in full-width brackets', '（4231）9605－6805'],
    ['with a blank line between groups', '4231\r\n\r\n9605\r\n\r\n6805'],
    ['with bullets', '4231•9605•6805'],
    ['with middle dots and spaces', '4231 · 9605 · 6805'],
    ['with plus signs', '4231+9605+6805'],
    ['with zero-width spaces', '4231\u200B9605\u200B6805'],
    ['in an e-mail address after letters', 'a4231.9605.6805@example.jp'],
    ['as 8-4 followed by other digits', '42319605 6805 03'],
  ])('finds one %s', (_shape, text) => {
    expect(containsMyNumber(text)).toBe(true);
  });

  it.each([
    ['an amount whose check digit is wrong', '120000000000円'],
    ['a number with a wrong check digit', '4321 8765 2109'],
    ['a 13-digit corporate number', '1234567890123'],
    ['two phone numbers', '043-123-4567, 090-1234-5678'],
    ['a phone number', '090-1234-5678'],
    ['eleven digits', '42319605680'],
    ['digits too far apart', '4231          9605          6805'],
    ['a date beside an amount, whose groups never add up to twelve', '2026/12/01 12,345円'],
    ['a postal code, a phone number and a year', '〒260-8667 043-223-2712 2026年'],
    ['digits split by words', '4231と9605と6805'],
  ])('passes %s', (_shape, text) => {
    expect(containsMyNumber(text)).toBe(false);
  });
});

describe('redactMyNumbers', () => {
  it('replaces exactly the number, keeping the rest of the text', () => {
    expect(redactMyNumbers('番号は 4231-9605-6805 です')).toBe(`番号は ${MY_NUMBER_MARK} です`);
    expect(redactMyNumbers('a 423196056805 b 123456789018 c')).toBe(`a ${MY_NUMBER_MARK} b ${MY_NUMBER_MARK} c`);
  });

  it('keeps offsets right around characters outside the BMP', () => {
    expect(redactMyNumbers('🌱423196056805🌱')).toBe(`🌱${MY_NUMBER_MARK}🌱`);
    expect(findMyNumbers('🌱423196056805')).toEqual([{ start: 2, end: 14 }]);
  });

  it('returns the same string when there is nothing to cut', () => {
    const text = '120000000000円';
    expect(redactMyNumbers(text)).toBe(text);
  });
});

describe('redactMyNumbersDeep', () => {
  it('redacts every string at any depth and leaves the input untouched', () => {
    const value = { a: ['x', { b: '4231 9605 6805' }], n: 423196056805, c: 'ok' };
    const redacted = redactMyNumbersDeep(value);
    expect(redacted).toEqual({ a: ['x', { b: MY_NUMBER_MARK }], n: 423196056805, c: 'ok' });
    expect(value.a[1]).toEqual({ b: '4231 9605 6805' });
  });

  it('returns the same object when nothing was found', () => {
    const value = { a: ['x', { b: 'y' }] };
    expect(redactMyNumbersDeep(value)).toBe(value);
  });
});

describe('identifiers', () => {
  it('leaves UUIDs and long hexadecimal strings alone, but not a number glued to a name', () => {
    expect(containsMyNumber('0b585914-3014-49c8-8645-d17c389080ec')).toBe(false);
    expect(containsMyNumber('sha256 3f2a423196056805be9c0d1e2f3a4b5c')).toBe(false);
    expect(containsMyNumber('taro423196056805@example.jp')).toBe(true);
  });
});
