/**
 * One linking pass: every reachable LINE participant whose stage's current menu differs
 * from the menu linked to them gets it, in bulk (one request per menu and ≤ 500 people).
 * Each accepted request is recorded at once, so a pass cut short (a crash, a rate limit)
 * is resumed by the next without linking anyone twice. Someone whose stage is
 * `new-friend` and who was never linked is left alone: LINE shows them the default menu,
 * which `ouen richmenu publish` sets to the new-friend menu.
 *
 * LINE's answers, by the delivery rule (runtime/delivery-failure.ts): 5xx and timeouts
 * throw (the job retries with backoff); 429 throws {@link RateLimitedError} with LINE's
 * `Retry-After`; any other 4xx fails that request's people for good (`richMenuFailedAt`)
 * and the pass goes on. Bulk link is asynchronous at LINE: 202 means accepted.
 */
import { BULK_LINK_MAX, type LineRichMenuApi } from '../channels/line/rich-menu-api.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Program } from '../core/program/load-program.ts';
import { participantStage, type RichMenuStage } from '../core/rich-menu/participant-stage.ts';
import { currentRichMenus, linkCandidates, markLinked, markLinkFailed, type LinkCandidate } from '../core/rich-menu/rich-menu.repository.ts';
import { classifyDeliveryFailure, rateLimited } from './delivery-failure.ts';

export interface LinkRichMenusDeps {
  db: SqlClient;
  api: LineRichMenuApi;
  program: Pick<Program, 'contest' | 'event' | 'richMenu'>;
  now: Date;
  logger: Pick<Logger, 'warn'>;
  /** People this API does not serve (console users beside real LINE); never linked here. */
  skipUser?: (lineUserId: string) => boolean;
  /** Participants read per statement. */
  pageSize?: number;
}

export interface LinkReport {
  /** People whose menu LINE accepted to change. */
  linked: number;
  /** People LINE refused for good. */
  failed: number;
  /** Bulk requests made. */
  requests: number;
}

export async function linkRichMenus(deps: LinkRichMenusDeps): Promise<LinkReport> {
  const report: LinkReport = { linked: 0, failed: 0, requests: 0 };
  const menus = await currentRichMenus(deps.db);
  if (menus.size === 0) return report;
  const clock = {
    now: deps.now,
    eventEndsAt: deps.program.event ? new Date(deps.program.event.endsAt) : undefined,
    programEndsAt: deps.program.richMenu.alumniAfter ? new Date(deps.program.richMenu.alumniAfter) : undefined,
  };
  const scope = { contestId: deps.program.contest.id, eventId: deps.program.event?.id ?? null };
  const pending = new Map<RichMenuStage, LinkCandidate[]>();
  let after: string | null = null;
  for (;;) {
    const page = await linkCandidates(deps.db, scope, after, deps.pageSize ?? 2_000);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    for (const person of page) {
      if (deps.skipUser?.(person.lineUserId)) continue;
      const stage = participantStage(person, clock);
      const menu = menus.get(stage);
      if (!menu || person.richMenuId === menu.lineRichMenuId) continue;
      if (stage === 'new-friend' && person.richMenuId === null) continue;
      const queue = pending.get(stage) ?? [];
      queue.push(person);
      pending.set(stage, queue);
      if (queue.length === BULK_LINK_MAX) await send(deps, stage, menu.lineRichMenuId, pending, report);
    }
  }
  for (const [stage, queue] of pending) if (queue.length > 0) await send(deps, stage, menus.get(stage)!.lineRichMenuId, pending, report);
  return report;
}

async function send(deps: LinkRichMenusDeps, stage: RichMenuStage, richMenuId: string, pending: Map<RichMenuStage, LinkCandidate[]>, report: LinkReport): Promise<void> {
  const people = pending.get(stage)!;
  pending.set(stage, []);
  const ids = people.map((p) => p.id);
  report.requests += 1;
  try {
    await deps.api.bulkLink(richMenuId, people.map((p) => p.lineUserId));
  } catch (error) {
    const failure = classifyDeliveryFailure(error);
    if (failure === 'rate-limited') throw rateLimited(error);
    if (failure === 'transient') throw error;
    deps.logger.warn({ stage, richMenuId, people: ids.length, err: errorFields(error) }, 'LINE refused a rich menu bulk link');
    await markLinkFailed(deps.db, ids, richMenuId, deps.now);
    report.failed += ids.length;
    return;
  }
  await markLinked(deps.db, ids, stage, richMenuId, deps.now);
  report.linked += ids.length;
}
