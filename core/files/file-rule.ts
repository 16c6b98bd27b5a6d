/**
 * Which files ouen takes from a person, one rule for every channel: the size comes from
 * the program configuration (the file questions' `maxBytes`), the type is a PDF (told by
 * its name and its first bytes; the flows' file input knows no other). A channel only
 * announces a file and fetches its bytes when asked, never more than the rule allows; what
 * to fetch, and what the turn's input then says, is decided here.
 *
 * The flow answers from the same configuration (too large, not a PDF), so what a person
 * is told and what is downloaded cannot disagree.
 */
import { createHash } from 'node:crypto';
import type { ChannelInput } from '../../flows/index.ts';
import { DEFAULT_FILE_MAX_BYTES, type ProgramConfig } from '../../flows/program.ts';
import type { ReceivedFile } from '../applications/document.service.ts';

export interface FileRule {
  /** The largest file any file question takes: nothing larger is downloaded. */
  maxBytes: number;
}

/** A file as the channel announced it, before anything was downloaded. */
export interface FileNotice {
  /** The message that carried it: a document remembers it (an unsend removes the document). */
  messageId: string;
  fileName: string;
  /** As the channel announced it; 0 when it did not say. */
  sizeBytes: number;
}

/**
 * What a channel's fetch gives back: the bytes, `too-large` when it stopped past the
 * limit, `unavailable` when the file could not be had (expired, refused, timed out).
 */
export type FetchedFile = Buffer | 'too-large' | 'unavailable';

/** The turn's input for a file, and the file itself when it was taken. */
export interface FileReceipt {
  input: ChannelInput;
  files: ReceivedFile[];
}

const PDF_NAME = /\.pdf$/i;
const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/**
 * The rule for a program: its largest file question's limit (several questions may take
 * files; the flow holds each to its own).
 *
 * @example
 * fileRule(program) // { maxBytes: 20971520 } for a document question with "maxBytes": 20971520
 */
export function fileRule(program: ProgramConfig): FileRule {
  const limits = program.contest.questions.filter((q) => q.kind === 'file').map((q) => q.maxBytes ?? DEFAULT_FILE_MAX_BYTES);
  return { maxBytes: limits.length > 0 ? Math.max(...limits) : DEFAULT_FILE_MAX_BYTES };
}

/**
 * Receives an announced file under the rule: refused unfetched when its name is not a
 * PDF's or it is announced over the limit; otherwise fetched (at most `maxBytes`) and
 * checked for `%PDF-`. A refused file still becomes a `file` input, so the flow says why.
 *
 * @example
 * const { input, files } = await receiveFile(fileRule(program), notice, (maxBytes) => adapter.fetchFile(userId, file, maxBytes));
 */
export async function receiveFile(rule: FileRule, notice: FileNotice, fetch: (maxBytes: number) => Promise<FetchedFile>): Promise<FileReceipt> {
  const refused = (isPdf: boolean, sizeBytes = notice.sizeBytes): FileReceipt => ({
    input: { type: 'file', fileName: notice.fileName, sizeBytes, isPdf, sourceMessageId: notice.messageId },
    files: [],
  });
  if (!PDF_NAME.test(notice.fileName)) return refused(false);
  if (notice.sizeBytes > rule.maxBytes) return refused(true);
  const content = await fetch(rule.maxBytes).catch((): FetchedFile => 'unavailable');
  if (content === 'unavailable') return { input: { type: 'unsupported', what: 'file-unavailable' }, files: [] };
  // The announcement understated it: what arrived is over the limit, by at least a byte.
  if (content === 'too-large' || content.length > rule.maxBytes) return refused(true, Math.max(notice.sizeBytes, rule.maxBytes + 1));
  if (!content.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return refused(false, content.length);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return {
    input: { type: 'file', fileName: notice.fileName, sizeBytes: content.length, isPdf: true, sourceMessageId: notice.messageId },
    files: [{ sourceMessageId: notice.messageId, fileName: notice.fileName, content, sha256 }],
  };
}
