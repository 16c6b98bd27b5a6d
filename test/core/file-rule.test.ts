/**
 * The one file rule every channel receives files under: the size from the program's
 * file questions, a PDF by name and first bytes; nothing fetched that the rule refuses,
 * nothing larger fetched than it allows.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_MAX_BYTES } from '../../flows/program.ts';
import { fileRule, receiveFile, type FetchedFile, type FileNotice } from '../../core/files/file-rule.ts';
import { loadProgram } from '../../core/program/load-program.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';

const MB = 1024 * 1024;
const program = loadProgram();

/** The program with its file question's limit set (or removed). */
function withFileLimit(maxBytes: number | undefined) {
  const questions = program.contest.questions.map((q) => (q.kind === 'file' ? { ...q, maxBytes } : q));
  return { ...program, contest: { ...program.contest, questions } };
}

describe('fileRule', () => {
  it('takes the limit from the program\'s file question', () => {
    expect(fileRule(program)).toEqual({ maxBytes: 10 * MB });
    expect(fileRule(withFileLimit(20 * MB))).toEqual({ maxBytes: 20 * MB });
  });

  it('falls back to the flows\' default when the question gives none, or there is no file question', () => {
    expect(fileRule(withFileLimit(undefined))).toEqual({ maxBytes: DEFAULT_FILE_MAX_BYTES });
    const noFiles = { ...program, contest: { ...program.contest, questions: program.contest.questions.filter((q) => q.kind !== 'file') } };
    expect(fileRule(noFiles)).toEqual({ maxBytes: DEFAULT_FILE_MAX_BYTES });
  });
});

describe('receiveFile', () => {
  const rule = { maxBytes: 20 * MB };
  const notice = (fileName: string, sizeBytes: number): FileNotice => ({ messageId: 'm1', fileName, sizeBytes });
  const pdfOf = (size: number) => Buffer.concat([MINIMAL_PDF, Buffer.alloc(size - MINIMAL_PDF.length)]);

  /** Records the limits asked for, and answers what the channel would. */
  function channel(answer: FetchedFile | Error) {
    const asked: number[] = [];
    const fetch = (maxBytes: number) => {
      asked.push(maxBytes);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    };
    return { asked, fetch };
  }

  it('takes a 12 MB PDF under a 20 MB rule, asking the channel for no more than 20 MB', async () => {
    const content = pdfOf(12 * MB);
    const { asked, fetch } = channel(content);
    const receipt = await receiveFile(rule, notice('計画書.PDF', content.length), fetch);
    expect(asked).toEqual([20 * MB]);
    expect(receipt.input).toEqual({ type: 'file', fileName: '計画書.PDF', sizeBytes: 12 * MB, isPdf: true, sourceMessageId: 'm1' });
    expect(receipt.files).toHaveLength(1);
    expect(receipt.files[0]).toMatchObject({ sourceMessageId: 'm1', fileName: '計画書.PDF' });
    // Compared as bytes: a deep comparison of 12 MB goes element by element.
    expect(receipt.files[0]!.content.equals(content)).toBe(true);
    expect(receipt.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a name that is not a PDF\'s', notice('plan.docx', 1000), { sizeBytes: 1000, isPdf: false }],
    ['a PDF announced over the limit', notice('plan.pdf', 21 * MB), { sizeBytes: 21 * MB, isPdf: true }],
  ])('refuses %s without fetching it, as a file input the flow explains', async (_name, announced, expected) => {
    const { asked, fetch } = channel(pdfOf(1000));
    const receipt = await receiveFile(rule, announced, fetch);
    expect(asked).toEqual([]);
    expect(receipt).toEqual({ input: { type: 'file', fileName: announced.fileName, sourceMessageId: 'm1', ...expected }, files: [] });
  });

  it('refuses a file that turned out larger than announced (the channel stopped at the limit)', async () => {
    const receipt = await receiveFile(rule, notice('plan.pdf', 0), channel('too-large').fetch);
    expect(receipt).toEqual({ input: { type: 'file', fileName: 'plan.pdf', sizeBytes: 20 * MB + 1, isPdf: true, sourceMessageId: 'm1' }, files: [] });
  });

  it('refuses a file whose bytes are not a PDF\'s, whatever its name', async () => {
    const receipt = await receiveFile(rule, notice('plan.pdf', 5), channel(Buffer.from('hello')).fetch);
    expect(receipt).toEqual({ input: { type: 'file', fileName: 'plan.pdf', sizeBytes: 5, isPdf: false, sourceMessageId: 'm1' }, files: [] });
  });

  it.each([
    ['says so', 'unavailable' as const],
    ['throws', new Error('network')],
  ])('tells the flow the file could not be had when the channel %s', async (_name, answer) => {
    expect(await receiveFile(rule, notice('plan.pdf', 100), channel(answer).fetch))
      .toEqual({ input: { type: 'unsupported', what: 'file-unavailable' }, files: [] });
  });
});
