/**
 * Where the fake LINE platform keeps what must outlive a restart, as LINE itself does:
 * its users, their chats, live reply tokens and retry keys, and the files users sent.
 * An append-only file of JSON lines (`platform.jsonl`), one per change, written before
 * the change is answered; a line cut short by a crash is ignored when read. The file is
 * rewritten from the current state at start and whenever enough lines have piled up, so
 * it stays about the size of what it holds. Sent files are kept one per file in `files/`.
 * Everything is mode 0600 in a 0700 directory: it holds what console users typed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactMyNumbersDeep } from '../../flows/validators/my-number.ts';
import type { ConsoleUser, TranscriptEntry } from './fake-line-store.ts';

/** One change to the platform's lasting state. */
export type JournalRecord =
  | { t: 'bot'; botUserId: string }
  | { t: 'user'; user: ConsoleUser }
  | { t: 'blocked'; userId: string; blocked: boolean }
  | { t: 'token'; token: string; userId: string; issuedAt: number }
  | { t: 'tokenUsed'; token: string }
  | { t: 'retryKey'; key: string; requestId: string; acceptedAt: number; sentMessages: unknown[] }
  | { t: 'entry'; entry: TranscriptEntry }
  | { t: 'file'; messageId: string; userId: string; fileName: string; contentType: string }
  | { t: 'fileGone'; messageId: string };

/** Identifiers in a record, never what a console user wrote. */
const IDENTIFIERS: ReadonlySet<string> = new Set(['t', 'kind', 'from', 'via', 'botUserId', 'userId', 'messageId', 'token', 'key', 'requestId', 'at', 'seq', 'contentType']);

/**
 * One record as a line of the file. What console users wrote is kept as LINE keeps a
 * chat, but an Individual Number is cut out first: nothing of ouen's, this trial
 * platform's journal included, keeps one on disk.
 */
function line(record: JournalRecord): string {
  return `${JSON.stringify(redactMyNumbersDeep(record, IDENTIFIERS))}\n`;
}

/** Lines appended since the last rewrite beyond which the file is rewritten from the state. */
const REWRITE_AFTER = 20_000;
const MESSAGE_ID = /^\d{1,30}$/;

export class FakeLineJournal {
  readonly #path: string;
  readonly #files: string;
  #appended = 0;

  /** `dir` is created (0700) if needed. */
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#path = join(dir, 'platform.jsonl');
    this.#files = join(dir, 'files');
    mkdirSync(this.#files, { recursive: true, mode: 0o700 });
  }

  /** Every record written so far, oldest first. */
  read(): JournalRecord[] {
    if (!existsSync(this.#path)) return [];
    return readFileSync(this.#path, 'utf8').split('\n').flatMap((line) => {
      if (line === '') return [];
      try {
        return [JSON.parse(line) as JournalRecord];
      } catch {
        return [];
      }
    });
  }

  /** Appends one change; true when enough has piled up that the caller should {@link rewrite}. */
  append(record: JournalRecord): boolean {
    appendFileSync(this.#path, line(record), { mode: 0o600 });
    return ++this.#appended >= REWRITE_AFTER;
  }

  /** Replaces the file with `records` (the current state), atomically. */
  rewrite(records: JournalRecord[]): void {
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, records.map(line).join(''), { mode: 0o600 });
    renameSync(temporary, this.#path);
    this.#appended = 0;
  }

  writeFile(messageId: string, bytes: Buffer): void {
    writeFileSync(this.#filePath(messageId), bytes, { mode: 0o600 });
  }

  readFile(messageId: string): Buffer | undefined {
    try {
      return readFileSync(this.#filePath(messageId));
    } catch {
      return undefined;
    }
  }

  deleteFile(messageId: string): void {
    rmSync(this.#filePath(messageId), { force: true });
  }

  #filePath(messageId: string): string {
    // Message ids are LINE's numeric strings; anything else must never become a path.
    if (!MESSAGE_ID.test(messageId)) throw new Error('not a LINE message id');
    return join(this.#files, messageId);
  }
}
