#!/usr/bin/env node
/**
 * Runs `prisma generate` (output: generated/prisma) without letting the CLI download
 * its native schema engine, which the build machines cannot reach.
 *
 * Prisma 7's CLI insists on resolving a schema-engine binary even for `generate`, which
 * never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file skips the
 * download. The stub we point at explains itself if anything ever does run it. A binary
 * configured by the caller wins. Used as `npm run generate` and as the postinstall.
 *
 * Usage: node scripts/prisma-generate.mjs [extra prisma generate flags]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stubEngine = fileURLToPath(new URL('../prisma/tools/schema-engine-unavailable.sh', import.meta.url));

function resolvePrismaCli() {
  try {
    return createRequire(import.meta.url).resolve('prisma/build/index.js');
  } catch {
    console.error('prisma-generate: the `prisma` package is not installed; run `npm install` first.');
    process.exit(1);
  }
}

const configuredEngine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
if (configuredEngine && !existsSync(configuredEngine)) {
  console.error(`prisma-generate: PRISMA_SCHEMA_ENGINE_BINARY=${configuredEngine} does not exist.`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [resolvePrismaCli(), 'generate', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: configuredEngine || stubEngine,
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  },
);

if (result.error) {
  console.error(`prisma-generate: could not start the Prisma CLI: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
