import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config-error.ts';

/**
 * The master key: from OUEN_ENCRYPTION_KEY (base64 of 32 bytes) in production; in local
 * mode from a key file generated on first start with owner-only permissions (0600).
 */
export function loadMasterKey(options: { envKey?: string; keyFile: string }): Buffer {
  if (options.envKey) return decodeKey(options.envKey, 'OUEN_ENCRYPTION_KEY');
  if (!existsSync(options.keyFile)) {
    mkdirSync(dirname(options.keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(options.keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const mode = statSync(options.keyFile).mode & 0o777;
  if (mode !== 0o600) chmodSync(options.keyFile, 0o600);
  return decodeKey(readFileSync(options.keyFile, 'utf8').trim(), options.keyFile);
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`${source} must be 32 random bytes in base64 (openssl rand -base64 32); got ${key.length} bytes`);
  }
  return key;
}
