/**
 * The webhook body at the edge, in zod. Only what ouen reads is required; unknown
 * event types and extra fields pass through, because LINE adds them without notice.
 */
import { z } from 'zod';

const source = z.looseObject({
  type: z.string(),
  userId: z.string().optional(),
});

export const lineEventSchema = z.looseObject({
  type: z.string().min(1),
  mode: z.enum(['active', 'standby']),
  timestamp: z.number().int().nonnegative(),
  source: source.optional(),
  webhookEventId: z.string().min(1).max(100),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }),
});

export const callbackSchema = z.looseObject({
  destination: z.string(),
  events: z.array(lineEventSchema).max(1000),
});

export type LineEvent = z.infer<typeof lineEventSchema>;

export const messageEventSchema = z.looseObject({
  replyToken: z.string().optional(),
  message: z.looseObject({
    id: z.string(),
    type: z.string(),
    text: z.string().optional(),
    fileName: z.string().optional(),
    fileSize: z.number().optional(),
  }),
});

export const postbackEventSchema = z.looseObject({
  replyToken: z.string().optional(),
  postback: z.looseObject({
    data: z.string(),
    params: z.looseObject({ date: z.string().optional() }).optional(),
  }),
});

export const unsendEventSchema = z.looseObject({ unsend: z.looseObject({ messageId: z.string() }) });

export const replyTokenSchema = z.looseObject({ replyToken: z.string().optional() });

export const followEventSchema = z.looseObject({ follow: z.looseObject({ isUnblocked: z.boolean() }) });
