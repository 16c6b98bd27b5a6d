/**
 * Structured JSON logs. Personal data and message text never go in: log ids, types,
 * counts and durations. The redact list is a second line of defence, not the first.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: NodeJS.WritableStream): Logger {
  return pino({
    level,
    base: { service: 'ouen' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['text', '*.text', 'message.text', 'email', '*.email', 'phone', '*.phone', 'name', 'answers', '*.answers',
        'headers.authorization', 'headers["x-line-signature"]', 'replyToken', '*.replyToken'],
      censor: '[redacted]',
    },
  }, destination ?? process.stdout);
}
