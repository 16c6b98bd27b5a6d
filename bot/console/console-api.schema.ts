/** What the console page may send to `/console/api/...`, checked before anything reaches the bot. */
import { z } from 'zod';

/** LINE lets people send files far larger; the program takes 10 MB, and a bit more lets one try the refusal. */
export const MAX_FILE_BYTES = 11 * 1024 * 1024;

export const userIdParam = z.string().regex(/^U[0-9a-f]{32}$/, 'expected a user id: U followed by 32 hex digits');

export const newUserSchema = z.object({
  displayName: z.string().trim().min(1, 'enter a name').max(20, 'LINE display names are at most 20 characters'),
  language: z.enum(['ja', 'en']),
});

export const textSchema = z.object({
  text: z.string().min(1, 'the message is empty').max(5000, 'LINE messages are at most 5000 characters'),
});

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const isoTime = z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:mm');
const isoDatetime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected YYYY-MM-DDTHH:mm');

export const postbackSchema = z.object({
  data: z.string().max(300, 'postback data is at most 300 characters'),
  displayText: z.string().min(1).max(300).optional(),
  // What LINE's date/time picker puts in `postback.params`.
  params: z.strictObject({ date: isoDate.optional(), time: isoTime.optional(), datetime: isoDatetime.optional() }).optional(),
});

export const fileSchema = z.object({
  fileName: z.string().trim().min(1).max(255).refine((name) => !/[\\/\u0000-\u001f]/.test(name), 'a file name, not a path'),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as application/pdf').optional(),
  base64: z.base64('the file content must be base64').refine((b64) => b64.length > 0, 'the file is empty')
    .refine((b64) => Math.floor((b64.length * 3) / 4) <= MAX_FILE_BYTES + 2, `at most ${MAX_FILE_BYTES} bytes`),
});

export const unsendSchema = z.object({ messageId: z.string().regex(/^\d{1,30}$/, 'a message id') });

export const blockedSchema = z.object({ blocked: z.boolean() });

export const transcriptQuery = z.object({ after: z.coerce.number().int().nonnegative().default(0) });
