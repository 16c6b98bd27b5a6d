/**
 * `ouen richmenu publish`: draws each stage's rich menu from the program file, creates and
 * uploads those that changed at LINE, makes the new-friend menu the default, relinks
 * everyone whose menu changed, and deletes the menus it replaced
 * (runtime/publish-rich-menus.ts). Safe to run again: unchanged menus are left alone.
 * In local mode `npm start` publishes to its built-in fake LINE by itself.
 */
import { LineRichMenuApi } from '../channels/line/rich-menu-api.ts';
import { ConfigError } from '../core/config-error.ts';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { createLogger } from '../core/logger.ts';
import type { RichMenuDefinition } from '../core/rich-menu/rich-menu-definition.ts';
import { lineApiFromEnv } from '../runtime/line-routing.ts';
import { publishRichMenus } from '../runtime/publish-rich-menus.ts';
import { withStore } from './open-store.ts';

export async function runRichMenuPublish(env: Env): Promise<number> {
  if (isLocalMode(env)) {
    throw new ConfigError('ouen richmenu publish needs LINE credentials (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN); in local mode npm start (ouen start) publishes the menus to its console by itself');
  }
  const api = new LineRichMenuApi({ ...lineApiFromEnv(env), timeoutMs: 30_000 });
  const report = await withStore(env, ({ db, program }) => publishRichMenus({
    db: sqlClient(db.sql), transact: transactOn(db.sql), api, program, clock: () => new Date(), logger: createLogger(env.LOG_LEVEL),
  }));
  for (const menu of report.menus) console.log(`${menu.stage}: ${menu.richMenuId}${menu.changed ? ' (new)' : ' (unchanged)'}`);
  console.log(`default: ${report.defaultChanged ? 'set to the new-friend menu' : 'unchanged'}`);
  console.log(`linked: ${report.linked.linked} (${report.linked.requests} bulk requests; LINE applies them within moments), refused: ${report.linked.failed}`);
  console.log(`deleted old menus: ${report.deleted}`);
  return 0;
}

/**
 * `ouen richmenu draw` (internal, for core/rich-menu/draw-apart.ts): menu definitions as
 * JSON on stdin, their PNGs as a JSON array of base64 strings on stdout.
 */
export async function runRichMenuDraw(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const definitions = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RichMenuDefinition[];
  const { drawRichMenu } = await import('../core/rich-menu/rich-menu-image.ts');
  process.stdout.write(JSON.stringify(definitions.map((definition) => drawRichMenu(definition).toString('base64'))));
  return 0;
}
