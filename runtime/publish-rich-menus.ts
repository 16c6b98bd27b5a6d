/**
 * `ouen richmenu publish`'s work: draws each stage's menu, creates and uploads at LINE
 * only those whose definition or image changed (a SHA-256 of both is kept in `RichMenu`),
 * makes the new-friend menu LINE's default, relinks everyone whose stage's menu changed
 * (the worker's own pass, run here to the end), then deletes the replaced menus at LINE —
 * after the relinking, so nobody is left on a deleted menu meanwhile — and any menu named
 * by ouen that it never recorded (left by a publish stopped between create and record).
 *
 * Safe to re-run: unchanged menus are a no-op, the default is set only when it differs, a
 * relinking or deletion cut short is finished by the next run.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { richMenuRequest, type LineRichMenuApi } from '../channels/line/rich-menu-api.ts';
import type { SqlClient, Transact } from '../core/db/types.ts';
import type { Logger } from '../core/logger.ts';
import type { Program } from '../core/program/load-program.ts';
import type { RichMenuStage } from '../core/rich-menu/participant-stage.ts';
import { richMenuDefinitions, type RichMenuDefinition } from '../core/rich-menu/rich-menu-definition.ts';
import {
  currentRichMenus, knownRichMenuIds, markRichMenuDeleted, recordRichMenu, retiredRichMenus,
} from '../core/rich-menu/rich-menu.repository.ts';
import { RateLimitedError } from './delivery-failure.ts';
import { linkRichMenus, type LinkReport } from './link-rich-menus.ts';

export interface PublishDeps {
  db: SqlClient;
  transact: Transact;
  api: LineRichMenuApi;
  program: Program;
  clock: () => Date;
  logger: Pick<Logger, 'warn' | 'info'>;
  skipUser?: (lineUserId: string) => boolean;
  /** Draws the images (default: here; a long-running process draws apart, core/rich-menu/draw-apart.ts). */
  draw?: (definitions: readonly RichMenuDefinition[]) => Promise<Buffer[]>;
}

export interface PublishReport {
  menus: Array<{ stage: RichMenuStage; richMenuId: string; changed: boolean }>;
  defaultChanged: boolean;
  linked: LinkReport;
  deleted: number;
}

/** ouen's menus at LINE are named `ouen:<stage>:<hash>` (channels/line/rich-menu-api.ts). */
const OUEN_MENU_NAME = /^ouen:/;
/** How often a rate-limited relinking is tried again before publish gives up (a re-run finishes it). */
const RATE_LIMIT_TRIES = 5;

export async function publishRichMenus(deps: PublishDeps): Promise<PublishReport> {
  // Drawn first: seconds without a request would let LINE's side close an idle keep-alive connection under the next one.
  const definitions = richMenuDefinitions(deps.program);
  const images = await (deps.draw ?? drawHere)(definitions);
  const current = await currentRichMenus(deps.db);
  // A menu deleted at LINE by hand (or a fake LINE that restarted) is published again.
  const live = new Set((await deps.api.list()).map((menu) => menu.richMenuId));
  const menus: PublishReport['menus'] = [];
  for (const [i, definition] of definitions.entries()) {
    const png = images[i]!;
    const hash = menuHash(definition, png);
    const existing = current.get(definition.stage);
    if (existing?.hash === hash && live.has(existing.lineRichMenuId)) {
      menus.push({ stage: definition.stage, richMenuId: existing.lineRichMenuId, changed: false });
      continue;
    }
    const richMenuId = await deps.api.create(richMenuRequest(definition, hash));
    await deps.api.uploadImage(richMenuId, png);
    await recordRichMenu(deps.transact, { id: randomUUID(), stage: definition.stage, lineRichMenuId: richMenuId, hash }, deps.clock());
    menus.push({ stage: definition.stage, richMenuId, changed: true });
  }
  const newFriend = menus.find((m) => m.stage === 'new-friend')!;
  const defaultChanged = newFriend.changed || (await deps.api.defaultId()) !== newFriend.richMenuId;
  if (defaultChanged) await deps.api.setDefault(newFriend.richMenuId);
  const linked = await relinkEveryone(deps);
  const deleted = await deleteReplaced(deps, live);
  return { menus, defaultChanged, linked, deleted };
}

async function drawHere(definitions: readonly RichMenuDefinition[]): Promise<Buffer[]> {
  const { drawRichMenu } = await import('../core/rich-menu/rich-menu-image.ts');
  return definitions.map((definition) => drawRichMenu(definition));
}

/** What identifies a menu's version: its definition and the bytes of its image. */
export function menuHash(definition: RichMenuDefinition, png: Buffer): string {
  return createHash('sha256').update(JSON.stringify(definition)).update(png).digest('hex');
}

async function relinkEveryone(deps: PublishDeps): Promise<LinkReport> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await linkRichMenus({ db: deps.db, api: deps.api, program: deps.program, now: deps.clock(), logger: deps.logger, skipUser: deps.skipUser });
    } catch (error) {
      if (!(error instanceof RateLimitedError) || attempt === RATE_LIMIT_TRIES) throw error;
      await sleep(error.retryAfterMs);
    }
  }
}

async function deleteReplaced(deps: PublishDeps, live: ReadonlySet<string>): Promise<number> {
  let deleted = 0;
  for (const menu of await retiredRichMenus(deps.db)) {
    if (live.has(menu.lineRichMenuId)) await deps.api.delete(menu.lineRichMenuId);
    await markRichMenuDeleted(deps.db, menu.id, deps.clock());
    deleted += 1;
  }
  const known = await knownRichMenuIds(deps.db);
  for (const menu of await deps.api.list()) {
    if (!OUEN_MENU_NAME.test(menu.name) || known.has(menu.richMenuId)) continue;
    await deps.api.delete(menu.richMenuId);
    deleted += 1;
  }
  return deleted;
}
