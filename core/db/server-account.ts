import { chmodSync, chownSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../config-error.ts';

/** The unprivileged account the PostgreSQL server runs as when ouen runs as root. */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

/** Tried in order: the system's PostgreSQL account if there is one, else `nobody`; no account is ever created. */
const CANDIDATES = ['postgres', 'nobody'];

/**
 * PostgreSQL refuses to run as root. Run as root (containers, CI), ouen starts the server
 * as an existing unprivileged account instead; as anyone else, as that user (undefined).
 */
export function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  for (const name of CANDIDATES) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry) return { name, uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new ConfigError(`ouen runs as root, and PostgreSQL cannot: none of the accounts ${CANDIDATES.join(', ')} exists to run it as. Run as a normal user, or set DATABASE_URL`);
}

/**
 * The account must be able to reach the data directory: every directory above it must let
 * it pass (search permission). ouen's own data directory (the cluster's parent, root's,
 * 0700 as ouen creates it for its key) is opened to the account's group for passage only
 * (g+x: no listing, and the key file stays 0600). Above it nothing is changed: checked up
 * front, because PostgreSQL's own message for it is obscure. ACLs are not read, so a
 * directory opened by ACL alone is reported wrongly.
 */
export function assertReachable(dataDir: string, account: ServerAccount | undefined): void {
  if (!account) return;
  const own = dirname(resolve(dataDir));
  for (let dir = dirname(own); ; dir = dirname(dir)) {
    if (!mayPass(statSync(dir), account)) throw unreachable(dir, account);
    if (dir === dirname(dir)) break;
  }
  const stat = statSync(own);
  if (mayPass(stat, account)) return;
  if (stat.uid !== 0) throw unreachable(own, account);
  chownSync(own, 0, account.gid);
  chmodSync(own, (stat.mode & 0o777) | 0o010);
}

function unreachable(dir: string, account: ServerAccount): ConfigError {
  return new ConfigError(
    `ouen runs as root, so its database server runs as the user "${account.name}", which cannot enter ${dir}. ` +
    `Run ouen as a normal user, or set OUEN_DATA_DIR to a directory "${account.name}" can reach (for example /var/lib/ouen), or set DATABASE_URL`,
  );
}

function mayPass(stat: Stats, account: ServerAccount): boolean {
  return Boolean(stat.uid === account.uid ? stat.mode & 0o100 : stat.gid === account.gid ? stat.mode & 0o010 : stat.mode & 0o001);
}
