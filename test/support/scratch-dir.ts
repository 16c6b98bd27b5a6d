import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new directory under the system's temporary directory that the embedded database
 * server can enter: run as root, ouen starts it as an unprivileged account, and
 * mkdtemp's 0700 would shut that account out.
 */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}
