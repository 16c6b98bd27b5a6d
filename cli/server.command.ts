import { startOuen } from '../bot/app.ts';
import { isLocalMode, type Env } from '../core/env.ts';

/** Runs until SIGINT/SIGTERM, then shuts down in order and exits. */
export async function runServer(env: Env, roles: { web: boolean; worker: boolean }): Promise<number> {
  const ouen = await startOuen({ env, ...roles });
  if (roles.web && ouen.fakeLine) {
    const base = env.OUEN_PUBLIC_URL ?? `http://localhost:${ouen.port}`;
    console.log(`\n  ouen is running${isLocalMode(env) ? ' in local mode' : ''}.\n  Console: ${base}/console\n  Stop with Ctrl+C.\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ouen.close();
  return 0;
}
