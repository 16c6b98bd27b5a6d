import { describe, expect, it } from 'vitest';
import { validateFreeText } from '../../../flows/validators/free-text.ts';

describe('validateFreeText', () => {
  describe('cleaning', () => {
    it.each([
      ['trims', '  千葉で起業したい  ', false, '千葉で起業したい'],
      ['composes to NFC', 'か\u3099き', false, 'がき'],
      ['removes control characters', 'abc\u0000de\u0007f\u007F', false, 'abcdef'],
      ['turns newlines and tabs into spaces on one line', '一行目\n二行目\tです', false, '一行目 二行目 です'],
      ['keeps newlines and tabs when multiline', '一行目\r\n二行目\r三行目\tです', true, '一行目\n二行目\n三行目\tです'],
      ['still removes other controls when multiline', '一行目\u0000\n\u001B二行目', true, '一行目\n二行目'],
      ['removes bidirectional overrides', 'abc\u202Efdp.exe\u202C', false, 'abcfdp.exe'],
      ['removes zero-width spaces and BOMs', '\uFEFF千\u200B葉', false, '千葉'],
      ['keeps the zero-width joiner inside emoji', '家族👨‍👩‍👧', false, '家族👨‍👩‍👧'],
      ['removes unpaired surrogates', 'a\uD800b\uDC00c', false, 'abc'],
    ])('%s', (_name, text, multiline, value) => {
      expect(validateFreeText(text, { maxLength: 400, multiline })).toEqual({ ok: true, value });
    });
  });

  describe('length in user-perceived characters', () => {
    it.each([
      ['kana', 'あ', 1],
      ['a skin-toned emoji', '👋🏽', 1],
      ['a family (ZWJ sequence)', '👨‍👩‍👧', 1],
      ['a flag', '🇯🇵', 1],
      ['a keycap', '1️⃣', 1],
      ['a letter with a combining mark that has no precomposed form', 'q\u0307', 1],
      ['a variation-selector kanji (葛飾の葛)', '葛\u{E0100}', 1],
    ])('counts %s as %i', (_name, unit, size) => {
      // One letter first: a text of emoji alone is refused for that reason (below).
      const atLimit = `あ${unit.repeat(400 / size - 1)}`;
      expect(validateFreeText(atLimit, { maxLength: 400 })).toEqual({ ok: true, value: atLimit });
      expect(validateFreeText(`${atLimit}${unit}`, { maxLength: 400 })).toEqual({
        ok: false,
        reason: 'text.tooLong',
        limit: 400,
        count: 401,
      });
    });

    it.each(['👍', '👋🏽👋🏽', '！！！', '🇯🇵 ♪'])('refuses %j, which has no letter or digit', (text) => {
      expect(validateFreeText(text, { maxLength: 400 })).toEqual({ ok: false, reason: 'text.noLetters' });
    });

    it('reports limit and count for a 5,000-character text', () => {
      const text = '千葉の海と畑を生かした事業です。'.repeat(312) + '千葉の海と畑を生';
      expect([...new Intl.Segmenter('ja', { granularity: 'grapheme' }).segment(text)]).toHaveLength(5000);
      expect(validateFreeText(text, { maxLength: 400 })).toEqual({
        ok: false,
        reason: 'text.tooLong',
        limit: 400,
        count: 5000,
      });
      expect(validateFreeText(text, { maxLength: 5000, multiline: true })).toEqual({ ok: true, value: text });
    });

    it('applies minLength', () => {
      expect(validateFreeText('短い', { maxLength: 400, minLength: 10 })).toEqual({
        ok: false,
        reason: 'text.tooShort',
        limit: 10,
        count: 2,
      });
      expect(validateFreeText('ちょうど十文字の文です', { maxLength: 400, minLength: 10 }).ok).toBe(true);
    });
  });

  it.each([
    ['', false],
    ['   　 ', false],
    ['\u0000\u0007', false],
    ['\n\n\t', true],
    ['\u200B\uFEFF', false],
  ])('calls %j empty', (text, multiline) => {
    expect(validateFreeText(text, { maxLength: 400, multiline })).toEqual({ ok: false, reason: 'text.empty' });
  });

  describe('My Number (check digit verified; shapes in my-number.test.ts)', () => {
    it.each([
      '123456789018',
      'マイナンバーは123456789018です',
      '1234-5678-9018',
      '1234 5678 9018',
      '1234ー5678ー9018',
      '１２３４５６７８９０１８',
      '番号：1234　5678　9018',
      '1234\n5678\n9018',
    ])('refuses %j', (text) => {
      expect(validateFreeText(text, { maxLength: 400, multiline: true })).toEqual({ ok: false, reason: 'text.myNumber' });
    });

    it('refuses it even in a text that is also too long', () => {
      const text = `${'あ'.repeat(500)}123456789018`;
      expect(validateFreeText(text, { maxLength: 400 })).toEqual({ ok: false, reason: 'text.myNumber' });
    });

    it.each([
      ['a 13-digit corporate number', '法人番号 1234567890123'],
      ['a phone number', '090-1234-5678'],
      ['11 digits', '12345678901'],
      ['a postal code and a date', '〒260-8667 2025年6月1日'],
      ['12 digits with a wrong check digit', '1234-5678-9012'],
      ['an amount of 12 digits', '120000000000円'],
    ])('accepts %s', (_name, text) => {
      expect(validateFreeText(text, { maxLength: 400, multiline: true }).ok).toBe(true);
    });
  });
});
