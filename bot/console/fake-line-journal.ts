/**
 * Where the fake LINE platform keeps what must outlive a restart, as LINE itself does:
 * its users, their chats, live reply tokens and retry keys, and the files users sent.
 * An append-only file of JSON lines (`platform.jsonl`), one per change, written before
 * the change is answered; a line cut short by a crash is ignored when read. The file is
 * rewritten from the current state at start and whenever enough lines have piled up, so
 * it stays about the size of what it holds. Sent files are kept one per file in `files/`.
 * Everything is mode 0600 in a 0700 directory: it holds what console users typed.
 *
 * One writer per directory: a journal owns it through `<dir>.lock` (an owner lock,
 * core/db/owner-lock.ts) for as long as its process lives. A second process is refused
 * ({@link JournalInUseError}); its console then keeps users in memory only. Within one
 * process, a new journal on the same directory (ouen started again in the same process,
 * as the demo and tests do) takes over from the earlier one, which writes nothing more.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { claimOwnerLock } from '../../core/db/owner-lock.ts';
import { redactMyNumbersDeep } from '../../flows/validators/my-number.ts';
import type { ConsoleUser, TranscriptEntry } from './fake-line-chat.ts';

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

/** Another live process keeps the journal in this directory. */
export class JournalInUseError extends Error {
  override name = 'JournalInUseError';
  constructor(readonly dir: string, readonly holder: number) {
    super(`the console's journal at ${dir} is kept by process ${holder}`);
  }
}

/** The journals this process owns, by directory, and how to let go of each directory's lock. */
const owned = new Map<string, { journal: FakeLineJournal; release: () => void }>();
let releaseOnExit = false;

/** The fake platform's lasting state on disk: a journal of changes and the files users sent. */
export class FakeLineJournal {
  readonly #path: string;
  readonly #files: string;
  readonly #key: string;
  #appended = 0;
  #closed = false;

  /**
   * Takes `dir` (created 0700 if needed) for this process.
   *
   * @throws {JournalInUseError} when another live process keeps a journal there.
   */
  constructor(readonly dir: string) {
    this.#key = resolve(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#own();
    this.#path = join(dir, 'platform.jsonl');
    this.#files = join(dir, 'files');
    mkdirSync(this.#files, { recursive: true, mode: 0o700 });
  }

  /** Lets go of the directory; this journal writes nothing more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const entry = owned.get(this.#key);
    if (entry?.journal !== this) return;
    owned.delete(this.#key);
    entry.release();
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
    this.#assertOpen();
    appendFileSync(this.#path, line(record), { mode: 0o600 });
    return ++this.#appended >= REWRITE_AFTER;
  }

  /** Replaces the file with `records` (the current state), atomically. */
  rewrite(records: JournalRecord[]): void {
    this.#assertOpen();
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, records.map(line).join(''), { mode: 0o600 });
    renameSync(temporary, this.#path);
    this.#appended = 0;
  }

  /** Keeps the bytes of a file a user sent. */
  writeFile(messageId: string, bytes: Buffer): void {
    this.#assertOpen();
    writeFileSync(this.#filePath(messageId), bytes, { mode: 0o600 });
  }

  /** The bytes of a kept file, if it is still there. */
  readFile(messageId: string): Buffer | undefined {
    try {
      return readFileSync(this.#filePath(messageId));
    } catch {
      return undefined;
    }
  }

  /** Forgets a kept file (unsent, or beyond the files kept). */
  deleteFile(messageId: string): void {
    this.#assertOpen();
    rmSync(this.#filePath(messageId), { force: true });
  }

  /** Claims the directory's lock, or takes it over from an earlier journal of this process. */
  #own(): void {
    const earlier = owned.get(this.#key);
    if (earlier) {
      earlier.journal.#closed = true;
      owned.set(this.#key, { journal: this, release: earlier.release });
      return;
    }
    const claim = claimOwnerLock(`${this.#key}.lock`);
    if (!claim.owned) throw new JournalInUseError(this.dir, claim.holder);
    owned.set(this.#key, { journal: this, release: claim.release });
    if (!releaseOnExit) {
      releaseOnExit = true;
      // A lock left behind would be stale anyway (its pid dead); removing it keeps the directory tidy.
      process.once('exit', () => {
        for (const entry of owned.values()) entry.release();
      });
    }
  }

  /** A journal that let go (or was taken over in this process) must not write: another may be writing. */
  #assertOpen(): void {
    if (this.#closed) throw new Error(`this journal of ${this.dir} was closed or taken over; it writes nothing more`);
  }

  #filePath(messageId: string): string {
    // Message ids are LINE's numeric strings; anything else must never become a path.
    if (!MESSAGE_ID.test(messageId)) throw new Error('not a LINE message id');
    return join(this.#files, messageId);
  }
}
