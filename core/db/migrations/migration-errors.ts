/**
 * Why a migration run stopped. Each subclass has a stable `code` so callers (start-up,
 * CLI, tests) can react without reading messages; the message says what to do next.
 */
export abstract class MigrationError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An applied migration's migration.sql was edited afterwards (Prisma's "modified after applied"). */
export class MigrationChecksumMismatchError extends MigrationError {
  readonly code = 'migration_checksum_mismatch';
  constructor(readonly migrationNames: string[]) {
    super(
      `Applied migration(s) changed on disk: ${migrationNames.join(', ')}. ` +
        'Never edit an applied migration; restore its migration.sql and add a new migration instead.',
    );
  }
}

/**
 * The database records a migration that started and never finished (Prisma's P3009).
 * Prisma refuses to continue in that state, so we do too.
 */
export class FailedMigrationRecordedError extends MigrationError {
  readonly code = 'failed_migration_recorded';
  constructor(readonly migrationNames: string[]) {
    super(
      `The database records failed migration(s): ${migrationNames.join(', ')}. ` +
        'Repair the database, then mark them with `prisma migrate resolve` (or set rolled_back_at in _prisma_migrations).',
    );
  }
}

/** Tables exist but no migration history does (Prisma's P3005): not a database we created. */
export class DatabaseNotEmptyError extends MigrationError {
  readonly code = 'database_not_empty';
  constructor(readonly schemaName: string) {
    super(
      `Schema "${schemaName}" already has tables but no _prisma_migrations table; refusing to migrate it. ` +
        'Point DATABASE_URL at an empty database, or baseline it with `prisma migrate resolve --applied`.',
    );
  }
}

/** A migration's SQL failed; its transaction was rolled back and nothing of it was recorded. */
export class MigrationFailedError extends MigrationError {
  readonly code = 'migration_failed';
  constructor(readonly migrationName: string, cause: unknown) {
    super(`Migration ${migrationName} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/** Another process held the migration lock for longer than we were willing to wait. */
export class MigrationLockTimeoutError extends MigrationError {
  readonly code = 'migration_lock_timeout';
  constructor(readonly waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for the migration advisory lock held by another process.`);
  }
}

/** A migration directory has no migration.sql, so Prisma could not apply it either. */
export class MigrationScriptMissingError extends MigrationError {
  readonly code = 'migration_script_missing';
  constructor(readonly migrationName: string, readonly path: string) {
    super(`Migration ${migrationName} has no migration.sql (expected ${path}).`);
  }
}
