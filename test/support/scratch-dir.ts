import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new directory under the system's temporary directory that the embedded database
 * server can pass through: run as root, ouen starts it as an unprivileged account, and
 * lets it through ouen's own data directory only, so a data directory nested deeper (the
 * demo's) needs the directories above it open, as mkdtemp's 0700 is not.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}
