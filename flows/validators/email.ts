/**
 * Checks an e-mail address typed on a phone, forgiving what Japanese keyboards produce:
 * full-width letters and ＠ (NFKC), 。 for a dot, spaces around the address.
 *
 * ```ts
 * validateEmail(' Taro@Example.JP ');   // { ok: true, value: 'Taro@example.jp' }
 * validateEmail('ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ'); // { ok: true, value: 'taro@example.jp' }
 * validateEmail('taro.example.jp');     // { ok: false, reason: 'email.missingAt' }
 * ```
 *
 * The local part keeps its case (it may be case-sensitive); the domain is lowercased.
 * Dots anywhere in the local part are accepted because Japanese carriers issued such
 * addresses for years (`taro..abc.@docomo.ne.jp`) and mail still reaches them.
 */
export function validateEmail(text: string): EmailResult {
  const address = text
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/。/g, '.')
    .trim()
    .replace(/^mailto:/i, '');

  if (address === '' || /\s/u.test(address)) return { ok: false, reason: 'email.invalid' };
  // RFC 5321: a forward-path holds at most 256 octets including the angle brackets.
  if (address.length > 254) return { ok: false, reason: 'email.tooLong' };

  const at = address.lastIndexOf('@');
  if (at === -1) return { ok: false, reason: 'email.missingAt' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();

  if (local.length > 64) return { ok: false, reason: 'email.tooLong' };
  if (!localPart.test(local)) return { ok: false, reason: 'email.invalid' };
  if (!isDomain(domain)) return { ok: false, reason: 'email.invalidDomain' };
  return { ok: true, value: `${local}@${domain}` };
}

export type EmailReason = 'email.missingAt' | 'email.invalidDomain' | 'email.tooLong' | 'email.invalid';

export type EmailResult = { ok: true; value: string } | { ok: false; reason: EmailReason };

/** RFC 5322 atext plus dots; no quoted local parts (nobody types them into LINE). */
const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;

const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const topLevel = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

function isDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((part) => label.test(part)) && topLevel.test(labels[labels.length - 1] ?? '');
}
