/**
 * Checks a Japanese phone number and returns its digits with the leading 0
 * (the domestic form without hyphens).
 *
 * ```ts
 * validatePhone('090-1234-5678');     // { ok: true, value: '09012345678' }
 * validatePhone('０４３（１２３）４５６７'); // { ok: true, value: '0431234567' }
 * validatePhone('+81 90 1234 5678');  // { ok: true, value: '09012345678' }
 * validatePhone('090-1234-567');      // { ok: false, reason: 'phone.tooShort' }
 * ```
 *
 * Accepted: mobile 070/080/090 and IP 050 (11 digits), toll-free 0120 (10) and 0800 (11),
 * and landlines 0 + 9 digits in any hyphenation.
 */
export function validatePhone(text: string): PhoneResult {
  const compact = text.normalize('NFKC').replace(separators, '');
  if (compact === '') return { ok: false, reason: 'phone.invalid' };

  let digits = compact;
  if (compact.startsWith('+')) {
    // +81 90… and +81 (0)90… both mean 090…; other country codes are not Japanese numbers.
    if (!compact.startsWith('+81')) return { ok: false, reason: 'phone.invalid' };
    const national = compact.slice(3);
    digits = national.startsWith('0') ? national : `0${national}`;
  }
  if (!/^\d+$/.test(digits)) return { ok: false, reason: 'phone.invalid' };

  if (!digits.startsWith('0')) {
    // Most likely the area code was left out.
    return digits.length < 10 ? { ok: false, reason: 'phone.tooShort' } : { ok: false, reason: 'phone.invalid' };
  }
  // 00… dials abroad; 010 is the international prefix; 020 (pagers, M2M), 030, 040 and
  // 060 are not numbers people give as their own. No area code is followed by a 0.
  if (/^00|^0[1-46]0/.test(digits)) return { ok: false, reason: 'phone.invalid' };

  const expected = elevenDigitPrefixes.test(digits) ? 11 : 10;
  if (digits.length < expected) return { ok: false, reason: 'phone.tooShort' };
  if (digits.length > expected) return { ok: false, reason: 'phone.tooLong' };
  return { ok: true, value: digits };
}

export type PhoneReason = 'phone.tooShort' | 'phone.tooLong' | 'phone.invalid';

export type PhoneResult = { ok: true; value: string } | { ok: false; reason: PhoneReason };

/** Spaces, dots, brackets and every dash a Japanese keyboard offers (NFKC has folded －). */
const separators = /[\s.()\-‐‑‒–—―−ー─━]/gu;

/** Mobile, IP phone and 0800 toll-free numbers have 11 digits; the rest have 10. */
const elevenDigitPrefixes = /^(0[5789]0|0800)/;
