/**
 * Messages between the web thread and the processing thread. Both ends are ouen's own
 * code in one process, so these are plain types rather than validated input.
 */
import type { ProgramConfig } from '../flows/program.ts';
import type { LineApiConfig } from '../channels/line/line-api.ts';
import type { LineEvent } from '../channels/line/webhook.schema.ts';

/** What the processing thread is started with (structured-cloned into it). */
export interface ProcessingThreadData {
  connectionString: string;
  poolSize: number;
  masterKey: Uint8Array;
  program: ProgramConfig;
  lineApi: LineApiConfig;
  redisUrl: string;
  queuePrefix: string;
  logLevel: string;
  /** Turn batches at once (OUEN_TURN_CONCURRENCY). */
  concurrency: number;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
}

export type ToThread =
  | { kind: 'dispatch'; seq: number; events: LineEvent[] }
  | { kind: 'drain'; id: number }
  | { kind: 'metrics'; id: number }
  | { kind: 'close'; id: number };

export type FromThread =
  | { kind: 'ready' }
  /** Events waiting in the thread, counted after it took in every dispatch up to `seq`. */
  | { kind: 'backlog'; size: number; seq: number }
  | { kind: 'drained'; id: number }
  | { kind: 'metrics'; id: number; metrics: unknown[] }
  | { kind: 'closed'; id: number }
  /** One JSON log line, re-emitted by the web thread's logger. */
  | { kind: 'log'; line: string };
