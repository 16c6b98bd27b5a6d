import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startOuen } from '../start-ouen.ts';
import type { Env } from '../../core/env.ts';
import { createLogger } from '../../core/logger.ts';
import { actInConsole } from './console-driver.ts';
import { DEMO_APPLICANTS } from './demo-applicants.ts';
import { DEMO_APPLIED_BEFORE_DEADLINE_MS, demoProgram } from './demo-program.ts';

/** People applying at the same time while the demo is seeded. */
const AT_ONCE = 3;

/** What `seedDemo` made. */
export interface DemoSeason {
  programFile: string;
  applicants: number;
}

/**
 * Makes a demo season in `env.OUEN_DATA_DIR` (a directory of its own): writes the demo
 * program there (deadline just passed), then runs ouen with its clock set back to the
 * call for applications and lets the sample people apply through the console, through
 * the same webhook, flows and services as anyone. Marks the directory seeded last, so a
 * seeding that was interrupted is seen as such.
 */
export async function seedDemo(env: Env, progress: (step: string) => void): Promise<DemoSeason> {
  const now = new Date();
  const programFile = join(env.OUEN_DATA_DIR, 'demo-program.json');
  await mkdir(env.OUEN_DATA_DIR, { recursive: true, mode: 0o755 });
  await writeFile(programFile, `${JSON.stringify(demoProgram(now), null, 2)}\n`);
  const ouen = await startOuen({
    env: { ...env, PORT: 0, OUEN_PROGRAM_FILE: programFile },
    web: true, worker: true, clock: () => new Date(Date.now() - DEMO_APPLIED_BEFORE_DEADLINE_MS), logger: createLogger('warn'), progress,
  });
  try {
    progress(`${DEMO_APPLICANTS.length} people apply through the console (about half a minute)`);
    for (let i = 0; i < DEMO_APPLICANTS.length; i += AT_ONCE) {
      await Promise.all(DEMO_APPLICANTS.slice(i, i + AT_ONCE).map((applicant) => actInConsole(ouen.url, applicant)));
    }
    await ouen.processor?.drain();
  } finally {
    await ouen.close();
  }
  await writeFile(join(env.OUEN_DATA_DIR, 'seeded'), `${now.toISOString()}\n`);
  return { programFile, applicants: DEMO_APPLICANTS.length };
}
