/**
 * A process that competes for an embedded database directory, for data-dir-lock.test.ts:
 * told `{ dataDir, at }`, it waits until `at` (so all contenders start together), tries
 * `lockDataDir`, reports what happened and keeps the lock until told `release`.
 */
import { lockDataDir } from '../../core/db/data-dir-lock.ts';

/** What a contender reports after trying. */
export type ContenderReport = { won: true; pid: number } | { won: false; pid: number; error: string; holder?: number };

let release: (() => void) | undefined;

process.on('message', (message: { dataDir: string; at: number } | 'release' | 'exit') => {
  if (message === 'exit') return process.disconnect();
  if (message === 'release') {
    release?.();
    release = undefined;
    return process.send!('released');
  }
  while (Date.now() < message.at) {
    // Busy until the common start: a timer would scatter the contenders over milliseconds.
  }
  try {
    release = lockDataDir(message.dataDir);
    process.send!({ won: true, pid: process.pid } satisfies ContenderReport);
  } catch (error) {
    const { name, pid } = error as Error & { pid?: number };
    process.send!({ won: false, pid: process.pid, error: name, holder: pid } satisfies ContenderReport);
  }
});
process.send!('ready');
