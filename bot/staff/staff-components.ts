/**
 * Ids of buttons and forms (Discord custom ids, the console panel's data attributes).
 * An id only names what was clicked: it is parsed strictly here and everything it names
 * is checked again on the server, so a forged or stale id is refused like any request.
 */
import { z } from 'zod';
import type { StaffCommand } from './staff-types.ts';

const receipt = z.string().regex(/^[A-Z0-9]{2,12}-\d{1,6}$/);
const page = z.coerce.number().int().min(0).max(9);

export const componentId = {
  /** A button that opens the scoring form at `page`. */
  score: (receiptNumber: string, at: number) => `ouen:score:${receiptNumber}:${at}`,
  /** The scoring form itself. */
  sheet: (receiptNumber: string, at: number) => `ouen:sheet:${receiptNumber}:${at}`,
  approve: (publicationId: string) => `ouen:approve:${publicationId}`,
  reject: (publicationId: string) => `ouen:reject:${publicationId}`,
};

/** The command a clicked button or a submitted form asks for; null for anything not ours or malformed. */
export function commandFromComponent(id: string, fields: Record<string, string> = {}): StaffCommand | null {
  const [prefix, kind, first, second] = id.split(':');
  if (prefix !== 'ouen') return null;
  switch (kind) {
    case 'score': {
      const parsed = z.tuple([receipt, page]).safeParse([first, second]);
      return parsed.success ? { name: 'score', receipt: parsed.data[0], page: parsed.data[1] } : null;
    }
    case 'sheet': {
      const parsed = z.tuple([receipt, page]).safeParse([first, second]);
      const values = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/), z.string().max(2000)).safeParse(fields);
      return parsed.success && values.success ? { name: 'saveScores', receipt: parsed.data[0], page: parsed.data[1], values: values.data } : null;
    }
    case 'approve':
    case 'reject': {
      const parsed = z.uuid().safeParse(first);
      return parsed.success && second === undefined ? { name: 'answer', publicationId: parsed.data, approve: kind === 'approve' } : null;
    }
    default:
      return null;
  }
}
