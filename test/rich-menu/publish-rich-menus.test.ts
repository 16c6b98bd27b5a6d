import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { richMenuSchema } from '../../core/rich-menu/rich-menu-config.ts';
import { publishRichMenus, type PublishDeps } from '../../runtime/publish-rich-menus.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { startRichMenuFixture, type RichMenuFixture } from '../support/rich-menu-fixture.ts';

let f: RichMenuFixture;

beforeAll(async () => {
  f = await startRichMenuFixture();
}, 60_000);

afterAll(async () => {
  await f?.close();
});

const publish = (program = f.program) => publishRichMenus({
  db: f.sql, transact: f.transact, api: f.api, program, clock: () => new Date(), logger: createLogger('silent'),
} satisfies PublishDeps);
const rows = () => f.db.prisma.richMenu.findMany({ orderBy: { createdAt: 'asc' } });
const writes = (since: number) => f.richMenuRequests().slice(since).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/richmenu-[0-9a-f]{32}/, ':id')}`);

describe('publishRichMenus', () => {
  let applicant: { participantId: string; lineUserId: string };

  it('creates and uploads one menu per stage, sets the new-friend menu as default and links people by stage', async () => {
    applicant = await f.participant({ application: 'submitted' });
    const newcomer = await f.participant();
    const report = await publish();
    expect(report.menus.map((m) => [m.stage, m.changed])).toEqual([
      ['new-friend', true], ['applicant', true], ['attendee', true], ['finalist', true], ['alumni', true],
    ]);
    const byStage = new Map(report.menus.map((m) => [m.stage, m.richMenuId]));
    expect(f.line.richMenus.defaultId).toBe(byStage.get('new-friend'));
    expect(f.line.richMenus.list()).toHaveLength(5);
    for (const { richMenuId } of report.menus) expect(f.line.richMenus.image(richMenuId)?.contentType).toBe('image/png');
    expect(f.line.richMenus.linked(applicant.lineUserId)).toBe(byStage.get('applicant'));
    // Nobody links a new friend: LINE's default shows them the new-friend menu.
    expect(f.line.richMenus.linked(newcomer.lineUserId)).toBeUndefined();
    expect(f.line.richMenus.shownTo(newcomer.lineUserId)?.richMenuId).toBe(byStage.get('new-friend'));
    expect(await f.db.prisma.participant.findUniqueOrThrow({ where: { id: applicant.participantId } }))
      .toMatchObject({ richMenuStage: 'applicant', richMenuId: byStage.get('applicant'), richMenuFailedAt: null });
    expect((await rows()).map((r) => [r.stage, r.lineRichMenuId, r.retiredAt])).toEqual(report.menus.map((m) => [m.stage, m.richMenuId, null]));
    for (const request of f.line.requests) {
      expect(validateLineRequest(request.method, request.path, request.body), `${request.method} ${request.path}`).toEqual({ ok: true });
    }
  }, 120_000);

  it('does nothing at LINE when run again unchanged', async () => {
    const since = f.richMenuRequests().length;
    const report = await publish();
    expect(report.menus.every((m) => !m.changed)).toBe(true);
    expect(report).toMatchObject({ defaultChanged: false, deleted: 0, linked: { linked: 0, requests: 0 } });
    expect(writes(since)).toEqual([]);
    expect(await rows()).toHaveLength(5);
  }, 120_000);

  it('replaces a changed menu: creates the new one, relinks its people, then deletes the old one', async () => {
    const before = new Map((await rows()).map((r) => [r.stage, r.lineRichMenuId]));
    const richMenu = richMenuSchema.parse({ stages: { applicant: [{ send: 'review', label: { ja: '応募の確認', en: 'My entry' } }, 'help', 'staff'] } });
    const since = f.richMenuRequests().length;
    const report = await publish({ ...f.program, richMenu });
    const changed = report.menus.filter((m) => m.changed).map((m) => m.stage);
    expect(changed).toEqual(['applicant']);
    const next = report.menus.find((m) => m.stage === 'applicant')!.richMenuId;
    expect(writes(since)).toEqual([
      'POST /v2/bot/richmenu', 'POST /v2/bot/richmenu/:id/content', 'POST /v2/bot/richmenu/bulk/link', 'DELETE /v2/bot/richmenu/:id',
    ]);
    expect(report).toMatchObject({ defaultChanged: false, deleted: 1, linked: { linked: 1, requests: 1 } });
    expect(f.line.richMenus.linked(applicant.lineUserId)).toBe(next);
    expect(f.line.richMenus.get(before.get('applicant')!)).toBeUndefined();
    const old = (await rows()).find((r) => r.lineRichMenuId === before.get('applicant'))!;
    expect(old.retiredAt).not.toBeNull();
    expect(old.deletedAt).not.toBeNull();
    expect(f.line.richMenus.get(before.get('new-friend')!)).toBeDefined();
  }, 120_000);

  it('publishes again a menu deleted at LINE by hand, and deletes ouen\'s menus it never recorded', async () => {
    const current = await f.db.prisma.richMenu.findFirstOrThrow({ where: { stage: 'alumni', retiredAt: null } });
    f.line.richMenus.delete(current.lineRichMenuId);
    const orphan = f.line.richMenus.create({ size: { width: 2500, height: 843 }, selected: false, name: 'ouen:alumni:left-behind', chatBarText: 'x', areas: [] })!;
    const theirs = f.line.richMenus.create({ size: { width: 2500, height: 843 }, selected: false, name: 'campaign', chatBarText: 'x', areas: [] })!;
    const report = await publish();
    expect(report.menus.filter((m) => m.changed).map((m) => m.stage)).toEqual(['applicant', 'alumni']);
    expect(f.line.richMenus.get(orphan.richMenuId)).toBeUndefined();
    expect(f.line.richMenus.get(theirs.richMenuId)).toBeDefined();
  }, 120_000);
});
