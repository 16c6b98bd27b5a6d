export { applyMigrations, type ApplyMigrationsOptions, type ApplyMigrationsResult } from './apply-migrations.ts';
export { PRISMA_MIGRATION_LOCK_KEY } from './advisory-lock.ts';
export { pendingMigrations } from './migrations-table.ts';
export * from './migration-errors.ts';
export {
  DEFAULT_MIGRATIONS_DIR,
  matchesChecksum,
  migrationChecksum,
  readMigrationFiles,
  type MigrationFile,
} from './migration-files.ts';
