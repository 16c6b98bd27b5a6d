/**
 * Child-process entry for schema diffs: reads `{ "diffs": [{ "from", "to" }] }` (schemas as
 * strings, null for an empty database) on stdin, writes `{ "scripts": [...] }` on stdout.
 * It exists because the wasm engine needs `node --experimental-wasm-modules` on Node 20;
 * start it through schema-diff-client.ts rather than by hand.
 */
import { text } from 'node:stream/consumers';
import { openDiffConnection } from './diff-connection.ts';
import { diffSchemas, type SchemaDiffRequest } from './schema-diff.ts';

function parseRequests(input: string): SchemaDiffRequest[] {
  const parsed: unknown = JSON.parse(input);
  const diffs = (parsed as { diffs?: unknown }).diffs;
  const isSide = (value: unknown) => value === null || typeof value === 'string';
  if (!Array.isArray(diffs) || !diffs.every((diff) => isSide(diff?.from) && isSide(diff?.to))) {
    throw new Error('schema-diff: expected {"diffs":[{"from":string|null,"to":string|null}]} on stdin');
  }
  return diffs as SchemaDiffRequest[];
}

const requests = parseRequests(await text(process.stdin));
const connection = await openDiffConnection();
try {
  const scripts = await diffSchemas(requests, connection.connectionString);
  process.stdout.write(JSON.stringify({ scripts }));
} finally {
  await connection.close();
}
