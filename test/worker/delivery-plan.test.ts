import { describe, expect, it } from 'vitest';
import type { DueRow } from '../../core/outbox/delivery-requests.repository.ts';
import { planDelivery } from '../../worker/delivery-plan.ts';

let seq = 0;
function row(person: string, overrides: Partial<DueRow> = {}): DueRow {
  seq += 1;
  return {
    id: `row-${seq}`, participantId: person, contentHash: 'same', contentSealed: '', lineUserId: `U-${person}`, discordUserId: null,
    unreachable: false, language: 'ja', replyTokenAt: null, waits: false, ...overrides,
  };
}
const plan = (rows: DueRow[], counts: Record<string, number> = {}) =>
  planDelivery(rows, { messageCount: (r) => counts[r.id] ?? 1, youngReply: (r) => r.replyTokenAt !== null });
const requests = (p: ReturnType<typeof plan>) => p.batches.flat();

describe('planDelivery', () => {
  it('multicasts identical content per language in chunks of 500', () => {
    const rows = [...Array.from({ length: 1001 }, (_, i) => row(`ja${i}`)), ...Array.from({ length: 3 }, (_, i) => row(`en${i}`, { language: 'en' }))];
    const lone = row('solo', { contentHash: 'other' });
    const p = plan([...rows, lone]);
    expect(requests(p).map((r) => [r.endpoint, r.rowIds.length])).toEqual([['multicast', 500], ['multicast', 500], ['multicast', 1], ['multicast', 3], ['push', 1]]);
    // A multicast is a send job of its own.
    expect(p.batches.slice(0, 4).map((b) => b.length)).toEqual([1, 1, 1, 1]);
  });

  it('merges one person\'s rows into pushes of at most 5 messages, in order, counting messages per row', () => {
    const rows = [row('a'), row('a'), row('a')];
    expect(requests(plan(rows))).toEqual([{ endpoint: 'push', rowIds: rows.map((r) => r.id) }]);
    const seven = Array.from({ length: 7 }, () => row('b'));
    expect(requests(plan(seven)).map((r) => r.rowIds)).toEqual([seven.slice(0, 5).map((r) => r.id), seven.slice(5).map((r) => r.id)]);
    const heavy = [row('c'), row('c'), row('c')];
    // 3 + 3 messages do not fit one push: 3, then 3 + 1.
    expect(requests(plan(heavy, { [heavy[0]!.id]: 3, [heavy[1]!.id]: 3 })).map((r) => r.rowIds.length)).toEqual([1, 2]);
  });

  it('skips blocked people, keeps a young reply token alone, gives Discord people a DM each, and keeps a person in one batch', () => {
    const blocked = row('x', { unreachable: true });
    const young = row('y', { replyTokenAt: new Date() });
    const dm = [row('z', { lineUserId: null, discordUserId: '1' }), row('z', { lineUserId: null, discordUserId: '1' })];
    const many = Array.from({ length: 150 }, (_, i) => [row(`p${i}`, { contentHash: `h${i}` }), row(`p${i}`, { contentHash: `h${i}` })]).flat();
    const p = plan([blocked, young, ...dm, ...many]);
    expect(p.skipped).toEqual([blocked.id]);
    expect(requests(p).find((r) => r.rowIds.includes(young.id))).toEqual({ endpoint: 'push', rowIds: [young.id] });
    expect(requests(p).filter((r) => r.endpoint === 'discord-dm').map((r) => r.rowIds)).toEqual(dm.map((r) => [r.id]));
    expect(requests(p).some((r) => r.endpoint === 'multicast')).toBe(false);
    for (const batch of p.batches) expect(batch.length).toBeLessThanOrEqual(100);
    const batchOf = (id: string) => p.batches.findIndex((b) => b.some((r) => r.rowIds.includes(id)));
    for (let i = 0; i < many.length; i += 2) expect(batchOf(many[i]!.id)).toBe(batchOf(many[i + 1]!.id));
  });
});
