/**
 * A stored phone number (the domestic digits, flows/validators/phone.ts) as staff read it
 * and as the CSV carries it: with hyphens. Bare digits lose their leading 0 in Excel,
 * which takes "09012345678" for a number; "090-1234-5678" is text to Excel (and to
 * LibreOffice and Google Sheets), reads as Japanese numbers are written, and holds the
 * same digits for any tool that strips the hyphens. Chosen over `="090…"` (a formula:
 * other tools show it literally, and the export's formula guard exists to keep formulas
 * out), a leading apostrophe (Excel shows it when opening a CSV) and a leading tab (an
 * invisible character in the data, which the formula guard would also prefix).
 *
 * Where the prefix fixes the grouping (mobile and IP 3-4-4, 0120/0570/0990 4-3-3, 0800
 * 4-3-4, Tokyo 03 and Osaka 06 2-4-4) it is used. Other landlines need a national table
 * of area codes to group (04-7123-4567 Kashiwa, 047-412-3456 Funabashi and 0470-12-3456
 * Tateyama share their first digits), so only the 4-digit subscriber number is set apart
 * (043123-4567): never a wrong area code.
 */
/** The first that matches wins: 0800 before the 080 of mobiles. */
const GROUPS: Array<[RegExp, number[]]> = [
  [/^0800\d{7}$/, [4, 3, 4]],
  [/^0[5789]0\d{8}$/, [3, 4, 4]],
  [/^0(120|570|990)\d{6}$/, [4, 3, 3]],
  [/^0[36]\d{8}$/, [2, 4, 4]],
  [/^0\d{9}$/, [6, 4]],
];

/** A phone number (digits as stored) grouped with hyphens as people write it; see this file's comment for the groups. */
export function formatPhone(digits: string): string {
  const groups = GROUPS.find(([pattern]) => pattern.test(digits))?.[1];
  if (!groups) return digits;
  let at = 0;
  return groups.map((length) => digits.slice(at, (at += length))).join('-');
}
