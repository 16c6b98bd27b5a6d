/** Program files for tests: the built-in program, changed, written to a temporary file. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';

/** The built-in program as plain JSON, changed by `change`; returns the file's path (for OUEN_PROGRAM_FILE). */
export function programFileWith(change: (program: any) => void): string {
  const program = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8'));
  change(program);
  const file = join(mkdtempSync(join(tmpdir(), 'ouen-program-')), 'program.json');
  writeFileSync(file, JSON.stringify(program));
  return file;
}
