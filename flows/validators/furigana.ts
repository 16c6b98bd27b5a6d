/**
 * Checks a reading (ふりがな) and returns it in full-width katakana, whatever kana the
 * person typed; words are separated by one full-width space.
 *
 * ```ts
 * validateFurigana('やまだ たろう');  // { ok: true, value: 'ヤマダ　タロウ' }
 * validateFurigana('ﾔﾏﾀﾞ ﾀﾛｳ');      // { ok: true, value: 'ヤマダ　タロウ' }
 * validateFurigana('山田太郎');       // { ok: false, reason: 'furigana.notKana' }
 * ```
 */
export function validateFurigana(text: string): FuriganaResult {
  // NFKC turns half-width ｶﾞ into ガ and the ideographic space into a plain one.
  const normalized = text.normalize('NFKC').trim();
  if (normalized === '' || !kanaOnly.test(normalized)) return { ok: false, reason: 'furigana.notKana' };
  const value = normalized.replace(/\s+/gu, '\u3000').replace(/[\u3041-\u3096\u309D\u309E]/gu, toKatakana);
  return { ok: true, value };
}

export type FuriganaReason = 'furigana.notKana';

export type FuriganaResult = { ok: true; value: string } | { ok: false; reason: FuriganaReason };

/** Hiragana, katakana (incl. ヴ, small kana, ゝゞヽヾ), ー, ・ and spaces. */
const kanaOnly = /^[\u3041-\u3096\u309D\u309E\u30A1-\u30FE\s]+$/u;

/** Hiragana and katakana blocks are parallel, 0x60 apart. */
function toKatakana(char: string): string {
  return String.fromCodePoint((char.codePointAt(0) ?? 0) + 0x60);
}
