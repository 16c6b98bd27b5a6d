import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { redisConnection } from '../runtime/redis-connection.ts';
import { ConfigError } from '../core/config-error.ts';
import { lockHolder } from '../core/db/data-dir-lock.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { obliterateQueues } from '../runtime/queues.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { runServer } from './server.command.ts';

/**
 * `ouen demo`: a whole judging season to try in the console, in minutes. Runs local mode
 * on a data directory of its own (`OUEN_DATA_DIR/demo`, its own database, console users
 * and queue prefix), seeded once with a closed call for applications; never in or beside
 * real data. `--reset` throws the demo away and seeds it again.
 */
export async function runDemo(env: Env, options: { reset: boolean }): Promise<number> {
  if (!isLocalMode(env) || env.DATABASE_URL) {
    throw new ConfigError('ouen demo runs only in local mode, with data of its own: unset DATABASE_URL and the LINE credentials');
  }
  const demoDir = resolve(env.OUEN_DATA_DIR, 'demo');
  const demoEnv: Env = { ...env, OUEN_DATA_DIR: demoDir, OUEN_QUEUE_PREFIX: `${env.OUEN_QUEUE_PREFIX}-demo`, OUEN_PROGRAM_FILE: join(demoDir, 'demo-program.json') };
  const say = (line: string) => console.log(`  ${line}`);
  if (options.reset || !existsSync(join(demoDir, 'seeded'))) {
    const running = lockHolder(join(demoDir, 'postgres'));
    if (running !== undefined) throw new ConfigError(`the demo is running (process ${running}): stop it first`);
    await rm(demoDir, { recursive: true, force: true });
    await forgetQueue(demoEnv);
    say(`ouen demo: preparing a judging season in ${demoDir}`);
    await seedDemo(demoEnv, (step) => say(`· ${step}…`));
  }
  say('');
  say('The demo season: the call for applications has closed; 6 people applied (DEMO-0001 … DEMO-0006) and 1 left a draft.');
  say('Open the console, then its staff panel (in the sidebar), and try in turn:');
  say('  role staff                    /round open document');
  say('  role judge, 審査員A (B, C)     /score DEMO-0001 … (a form per application)');
  say('  role staff                    /progress   /round close   /ranking   /decide-all   /publish');
  say('  role approver                 /approvals, then approve: the results arrive in the applicants\' chats');
  say(`Everything stays in ${demoDir}; npx ouen demo --reset starts the season again.`);
  say('');
  return runServer(demoEnv, { worker: true });
}

/** Jobs of an earlier demo would point at rows that no longer exist. */
async function forgetQueue(env: Env): Promise<void> {
  await obliterateQueues(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
}
