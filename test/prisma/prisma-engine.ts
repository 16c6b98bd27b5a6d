import { fileURLToPath } from 'node:url';
import type { ApplyMigrationsOutput, DiagnoseMigrationHistoryOutput } from '@prisma/schema-engine-wasm';
import { DEFAULT_MIGRATIONS_DIR } from '../../core/db/migrations/index.ts';
import { runInWasmChild } from '../../prisma/tools/wasm-child.ts';

const CLI = fileURLToPath(new URL('./prisma-engine.cli.ts', import.meta.url));

/** Prisma's own view of a database's migration history (what `prisma migrate status` reports). */
export function prismaDiagnose(connectionString: string, migrationsDir = DEFAULT_MIGRATIONS_DIR) {
  return runInWasmChild<DiagnoseMigrationHistoryOutput>(CLI, { command: 'diagnose', connectionString, migrationsDir });
}

/** Prisma's own `migrate deploy`, run by its wasm schema engine. */
export function prismaDeploy(connectionString: string, migrationsDir = DEFAULT_MIGRATIONS_DIR) {
  return runInWasmChild<ApplyMigrationsOutput>(CLI, { command: 'apply', connectionString, migrationsDir });
}
