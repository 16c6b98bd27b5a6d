/**
 * Structured JSON logs. Personal data and message text never go in: log ids, types,
 * counts and durations. The redact list is a second line of defence, not the first.
 */
import { pino, type Logger } from 'pino';
import { redactMyNumbers, redactMyNumbersDeep } from '../flows/validators/my-number.ts';

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
    // An Individual Number is never written anywhere, a log line included, whatever field
    // or message an error or a careless call put it in.
    formatters: { log: (object) => redactMyNumbersDeep(object) },
    serializers: { err: (error: Error) => redactMyNumbersDeep(pino.stdSerializers.err(error)) },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactMyNumbers(arg) : arg));
        // An error logged without a message lends the line its own message: redact that too.
        if (redacted[0] instanceof Error && typeof redacted[1] !== 'string') redacted.splice(1, 0, redactMyNumbers(redacted[0].message));
        return method.apply(this, redacted as typeof args);
      },
    },
  }, destination ?? process.stdout);
}

/** A logger whose JSON lines are handed to `send` (a processing thread sends them to the web thread). */
export function createRelayLogger(level: string, send: (line: string) => void): Logger {
  return createLogger(level, { write: (line: string) => send(line) } as unknown as NodeJS.WritableStream);
}

/** Re-emits a line from {@link createRelayLogger} through `logger`, at its level and through its redaction. */
export function relayLogLine(logger: Logger, line: string): void {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, service: _service, ...fields } = parsed;
  const label = logger.levels.labels[Number(level)] as 'info' | undefined;
  if (label && typeof logger[label] === 'function') logger[label]({ thread: 'processing', ...fields }, typeof msg === 'string' ? msg : '');
}
