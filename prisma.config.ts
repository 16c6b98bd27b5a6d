import { defineConfig } from 'prisma/config';

/**
 * Prisma CLI configuration.
 *
 * The datasource url is read from DATABASE_URL only when it is set, so `prisma generate`
 * (run as postinstall on a fresh clone) works without any database configured.
 * Prisma's `env()` helper would throw when the variable is missing.
 */
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
