import { describe, expect, it } from 'vitest';
import { BatchScheduler } from '../../bot/runtime/batch-scheduler.ts';

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
});
