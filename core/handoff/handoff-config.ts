/**
 * How staff answers are signed on LINE (issue 3, "Human inbox"): with the staff
 * member's display name, or with one neutral sender for the whole office.
 */
import { z } from 'zod';

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });

export const inboxSchema = z.object({
  signWith: z.enum(['staff', 'neutral']).default('staff'),
  /** `{name}` is the staff member's display name. */
  staffSignature: localized.default({ ja: '— {name}（ちば起業家応援事業 事務局）', en: '— {name} (Chiba Entrepreneur Support Program office)' }),
  neutralSignature: localized.default({ ja: '— ちば起業家応援事業 事務局', en: '— Chiba Entrepreneur Support Program office' }),
}).default({ signWith: 'staff', staffSignature: { ja: '— {name}（ちば起業家応援事業 事務局）', en: '— {name} (Chiba Entrepreneur Support Program office)' }, neutralSignature: { ja: '— ちば起業家応援事業 事務局', en: '— Chiba Entrepreneur Support Program office' } });
export type InboxConfig = z.infer<typeof inboxSchema>;

/** A staff answer as the participant reads it. */
export function signedReply(config: InboxConfig, text: string, staffName: string, language: 'ja' | 'en'): string {
  const signature = config.signWith === 'staff'
    ? config.staffSignature[language].replaceAll('{name}', staffName)
    : config.neutralSignature[language];
  return `${text.trim()}\n\n${signature}`;
}
