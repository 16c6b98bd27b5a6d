import { describe, expect, it } from 'vitest';
import { formatPhone } from '../../core/applications/phone-display.ts';
import { validatePhone } from '../../flows/validators/phone.ts';

describe('formatPhone', () => {
  it.each([
    ['09012345678', '090-1234-5678'],
    ['08012345678', '080-1234-5678'],
    ['05012345678', '050-1234-5678'],
    ['0120123456', '0120-123-456'],
    ['0570123456', '0570-123-456'],
    ['08001234567', '0800-123-4567'],
    ['0312345678', '03-1234-5678'],
    ['0612345678', '06-1234-5678'],
    // Landlines whose area code the prefix cannot tell: only the subscriber number is set apart.
    ['0471234567', '047123-4567'],
    ['0431234567', '043123-4567'],
    ['0470123456', '047012-3456'],
  ])('writes %s as %s', (digits, shown) => {
    expect(formatPhone(digits)).toBe(shown);
    // The same digits, so any tool that strips the hyphens reads the stored number.
    expect(shown.replaceAll('-', '')).toBe(digits);
  });

  it('formats every number the validator accepts, and leaves anything else as it is', () => {
    for (const typed of ['090-1234-5678', '043(123)4567', '+81 3 1234 5678', '0120-123-456', '0800-123-4567']) {
      const result = validatePhone(typed);
      expect(result.ok).toBe(true);
      if (result.ok) expect(formatPhone(result.value)).toMatch(/^0\d+(-\d+)+$/);
    }
    expect(formatPhone('12345')).toBe('12345');
  });

});
