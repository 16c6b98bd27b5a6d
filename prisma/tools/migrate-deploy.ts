/**
 * Applies pending migrations to DATABASE_URL and exits: the stand-in for
 * `prisma migrate deploy` where the native engine is missing, for release pipelines that
 * migrate before starting the new version. (Starting ouen migrates too; see core/db.)
 *
 * Usage: DATABASE_URL=postgresql://… npm run migrate:deploy
 */
import { applyMigrations, MigrationError } from '../../core/db/migrations/index.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('migrate:deploy: DATABASE_URL is not set (the embedded database migrates itself on start).');
  process.exit(2);
}

try {
  const { applied, unknown } = await applyMigrations(url);
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
  if (unknown.length > 0) console.warn(`In the database but not in this checkout: ${unknown.join(', ')}`);
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  console.error(`migrate:deploy: ${error.message}`);
  process.exit(1);
}
