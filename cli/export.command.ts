import { writeFileSync } from 'node:fs';
import { exportApplicationsCsv } from '../core/applications/export-applications.ts';
import type { Env } from '../core/env.ts';
import { cliActor, withStore } from './open-store.ts';

export async function runExport(env: Env, options: { output?: string; personal: boolean; withdrawnPersonal: boolean }): Promise<number> {
  const csv = await withStore(env, ({ db, sealer, program }) => exportApplicationsCsv(db, sealer, program, {
    personal: options.personal, withdrawnPersonal: options.withdrawnPersonal, actor: cliActor(), now: new Date(),
  }));
  if (options.output) {
    writeFileSync(options.output, csv.text, { mode: 0o600 });
    console.error(`${csv.rows} applications written to ${options.output}`);
  } else {
    process.stdout.write(csv.text);
  }
  return 0;
}
