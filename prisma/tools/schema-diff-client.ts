import { fileURLToPath } from 'node:url';
import type { SchemaDiffRequest } from './schema-diff.ts';
import { runInWasmChild } from './wasm-child.ts';

export type { SchemaDiffRequest } from './schema-diff.ts';

const CLI = fileURLToPath(new URL('./schema-diff.cli.ts', import.meta.url));

/** Options for {@link diffSchemasInChildProcess}. */
export interface DiffOptions {
  /** Database the engine connects to; by default see openDiffConnection (diff-connection.ts). */
  connectionString?: string;
}

/**
 * Migration SQL for each `{ from, to }` pair of schema.prisma texts (`null` = empty
 * database), computed by the wasm engine in a child process (see wasm-child.ts). One
 * child serves the whole batch: starting it costs about a second.
 *
 * @example
 * const [sql] = await diffSchemasInChildProcess([{ from: null, to: schemaText }]);
 */
export async function diffSchemasInChildProcess(
  requests: SchemaDiffRequest[],
  options: DiffOptions = {},
): Promise<string[]> {
  const env = { ...process.env };
  if (options.connectionString) env.SCHEMA_DIFF_DATABASE_URL = options.connectionString;
  const { scripts } = await runInWasmChild<{ scripts: string[] }>(CLI, { diffs: requests }, env);
  return scripts;
}

/** Whether a diff script changes nothing; the engine then answers "-- This is an empty migration." */
export function isEmptyMigration(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
