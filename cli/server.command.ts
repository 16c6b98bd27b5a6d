import { CONSOLE_BESIDE_LINE_WARNING, CONSOLE_ON_NETWORK_WARNING } from '../bot/app.ts';
import { isLoopback } from '../bot/http/listen.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { createLogger } from '../core/logger.ts';
import { startOuen } from './start-ouen.ts';
import { stopSignal } from './stop-signal.ts';
import { STOP_TIMED_OUT, stopWithin } from './stop-within.ts';

/**
 * `ouen start` (the web side and the worker) and `ouen web` (the web side alone): runs
 * until SIGINT/SIGTERM, then shuts down in order and exits. In local mode it tells the
 * person at the terminal what it is doing while it starts, and where the console is once
 * it is ready (the logger's JSON lines stay for machines).
 */
export async function runServer(env: Env, roles: { worker: boolean }): Promise<number> {
  const local = isLocalMode(env);
  const started = performance.now();
  const stopAsked = stopSignal();
  const say = (line: string) => console.log(`  ${line}`);
  if (local) say(`ouen: local mode (no LINE credentials${env.DATABASE_URL ? '' : ', no DATABASE_URL: a PostgreSQL of its own'}), data in ${env.OUEN_DATA_DIR}`);
  const logger = createLogger(env.LOG_LEVEL);
  const ouen = await startOuen({ env, web: true, worker: roles.worker, logger, progress: local ? (step) => say(`· ${step}…`) : undefined });
  if (env.OUEN_CONSOLE && !local) console.error(`\n  !!! ${CONSOLE_BESIDE_LINE_WARNING}.\n`);
  if (local && !isLoopback(ouen.host)) console.error(`\n  !!! ${CONSOLE_ON_NETWORK_WARNING}.\n`);
  if (ouen.consoleUrl) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`\n  ouen is ready${local ? ' in local mode' : ''} (${seconds} s).\n  Console: ${ouen.consoleUrl}\n  Stop with Ctrl+C.\n`);
  }
  const signal = await stopAsked;
  if (local) say('stopping… (Ctrl+C again to quit at once)');
  logger.info({ signal }, 'ouen stopping');
  process.once(signal, () => process.exit(130));
  // Requests and turns in flight finish, then the worker's active jobs, within OUEN_SHUTDOWN_GRACE_MS (cli/stop-within.ts).
  if (!(await stopWithin(() => ouen.close(), env.OUEN_SHUTDOWN_GRACE_MS, logger))) process.exit(STOP_TIMED_OUT);
  return 0;
}
