/**
 * Log lines a test can read: a real writable stream that keeps every JSON line ouen's
 * logger writes, and loggers writing to it.
 *
 * @example
 * const logs = captureLogs();
 * h = await startHarness({ logger: logs.logger('info') });
 * expect(logs.entries().find((e) => e.msg === 'webhook shedding load')).toMatchObject({ shed: 20 });
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/logger.ts';

export interface CapturedLogs {
  /** Every line written so far, as written (JSON text). */
  readonly lines: string[];
  /** The same lines parsed, kept up to date as they are written (an array a test can hold on to). */
  readonly records: Array<Record<string, unknown>>;
  /** The stream the lines are written to, for a logger made elsewhere. */
  readonly stream: Writable;
  /** A logger at `level` writing here. */
  logger(level?: string): Logger;
  /** The lines so far, parsed. */
  entries(): Array<Record<string, unknown>>;
}

export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      records.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return {
    lines,
    records,
    stream,
    logger: (level = 'info') => createLogger(level, stream),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
