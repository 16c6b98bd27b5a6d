import { describe, expect, it, vi } from 'vitest';
import { BatchScheduler } from '../../runtime/batch-scheduler.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('BatchScheduler', () => {
  it('runs one key\'s items in order, never two of one key in a batch', async () => {
    const batches: string[][] = [];
    const scheduler = new BatchScheduler<string>(async (items) => {
      batches.push(items);
      await tick();
    }, { maxBatch: 10, concurrency: 1 });
    for (const item of ['a1', 'b1', 'a2', 'c1', 'a3', 'b2']) scheduler.add(item[0]!, item);
    await scheduler.drain();
    for (const batch of batches) expect(new Set(batch.map((i) => i[0])).size).toBe(batch.length);
    const order = batches.flat();
    expect(order.filter((i) => i.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(order.filter((i) => i.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(order).toHaveLength(6);
  });

  it('starts a lone item at once and groups what waits for a slot', async () => {
    const batches: number[][] = [];
    const scheduler = new BatchScheduler<number>(async (items) => {
      batches.push(items);
      await tick();
    }, { maxBatch: 3, concurrency: 1 });
    for (let i = 0; i < 7; i++) scheduler.add(`user-${i}`, i);
    await scheduler.drain();
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5, 6]]);
  });

  it('keeps going after a batch fails', async () => {
    const seen: number[] = [];
    const scheduler = new BatchScheduler<number>(async (items) => {
      seen.push(...items);
      if (items.includes(1)) throw new Error('boom');
    }, { maxBatch: 1, concurrency: 2 });
    [1, 2, 3].forEach((i) => scheduler.add('same-user', i));
    await scheduler.drain();
    expect(seen).toEqual([1, 2, 3]);
    expect(scheduler.size).toBe(0);
  });

  it('runs at most `concurrency` batches at once', async () => {
    let running = 0;
    let most = 0;
    const scheduler = new BatchScheduler<number>(async () => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
    }, { maxBatch: 1, concurrency: 3 });
    for (let i = 0; i < 12; i++) scheduler.add(String(i), i);
    await scheduler.drain();
    expect(most).toBe(3);
  });

  it('finishes a batch for every other key at once while one key waits for its follow-up, then runs that key\'s follow-up first', async () => {
    const batches: string[][] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let release!: (items: string[]) => void;
    const followUp = new Promise<string[]>((resolve) => (release = resolve));
    const scheduler = new BatchScheduler<string>(async (items) => {
      batches.push(items);
      if (items.includes('z1')) await gate;
      return items.includes('a2') ? [{ item: 'a2', next: followUp }] : [];
    }, { maxBatch: 10, concurrency: 1 });
    // z1 holds the only slot, so a2 and b1 leave together in the next batch.
    for (const item of ['z1', 'a2', 'b1', 'a3', 'b2']) scheduler.add(item[0]!, item);
    let drained = false;
    const draining = scheduler.drain().then(() => (drained = true));
    open();
    await vi.waitFor(() => expect(batches).toEqual([['z1'], ['a2', 'b1'], ['b2']]));
    expect(scheduler.size).toBe(2);
    expect(drained).toBe(false);
    release(['a1', 'a2 again']);
    await draining;
    expect(batches).toEqual([['z1'], ['a2', 'b1'], ['b2'], ['a1'], ['a2 again'], ['a3']]);
    expect(scheduler.size).toBe(0);
  });

  it('moves a key on when its follow-up brings nothing or fails', async () => {
    const seen: string[] = [];
    const scheduler = new BatchScheduler<string>(async (items) => {
      seen.push(...items);
      if (items.includes('a1')) return [{ item: 'a1', next: Promise.resolve([]) }];
      if (items.includes('a2')) return [{ item: 'a2', next: Promise.reject(new Error('inbox unreadable')) }];
      return [];
    }, { maxBatch: 10, concurrency: 1 });
    for (const item of ['a1', 'a2', 'a3']) scheduler.add('a', item);
    await scheduler.drain();
    expect(seen).toEqual(['a1', 'a2', 'a3']);
    expect(scheduler.size).toBe(0);
  });
});
