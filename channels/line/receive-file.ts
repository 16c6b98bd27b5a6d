/**
 * A file a person sent, as a turn's input: fetched from LINE's data API at once (LINE
 * lets content expire), retried while LINE is still preparing it (202), refused unfetched
 * when its name is not a PDF's or it is over the limit, and checked for `%PDF-` once here.
 */
import { createHash } from 'node:crypto';
import type { ChannelInput } from '../../flows/index.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import type { FileNotice } from './inbound.ts';
import type { LineApi } from './line-api.ts';

/** The program's rule for plan documents, and the most ouen ever downloads. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Waits before each ask: LINE prepares content asynchronously (202), and it also expires, so ask now, a few times. */
const FETCH_DELAYS_MS = [0, 300, 1000, 2000];

/**
 * The turn's input for a file notice, with the file itself when it is a PDF that could be
 * fetched. `showLoading` is called before the download (it can take a moment).
 *
 * @example
 * const { input, files } = await receiveFile(line.forUser(userId), action.file, () => showLoading(userId));
 */
export async function receiveFile(api: LineApi, file: FileNotice, showLoading: () => void): Promise<{ input: ChannelInput; files: ReceivedFile[] }> {
  const refused = (isPdf: boolean, sizeBytes = file.sizeBytes): { input: ChannelInput; files: ReceivedFile[] } => ({
    input: { type: 'file', fileName: file.fileName, sizeBytes, isPdf, sourceMessageId: file.messageId },
    files: [],
  });
  if (!/\.pdf$/i.test(file.fileName)) return refused(false);
  if (file.sizeBytes > MAX_FILE_BYTES) return refused(true);
  showLoading();
  const content = await fetchWhenReady(api, file.messageId);
  if (content === 'too-large') return refused(true, MAX_FILE_BYTES + 1);
  if (content === null) return { input: { type: 'unsupported', what: 'file-unavailable' }, files: [] };
  if (content.subarray(0, 5).toString('latin1') !== '%PDF-') return refused(false);
  const sha256 = createHash('sha256').update(content).digest('hex');
  return {
    input: { type: 'file', fileName: file.fileName, sizeBytes: content.length, isPdf: true, sourceMessageId: file.messageId },
    files: [{ sourceMessageId: file.messageId, fileName: file.fileName, content, sha256 }],
  };
}

async function fetchWhenReady(api: LineApi, messageId: string): Promise<Buffer | 'too-large' | null> {
  for (const delay of FETCH_DELAYS_MS) {
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const content = await api.fetchContent(messageId, MAX_FILE_BYTES).catch(() => null);
    if (content !== 'not-ready') return content;
  }
  return null;
}
