import { describe, expect, it } from 'vitest';
import { RateLog } from '../../core/rate-log.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RateLog', () => {
  it('reports a burst once per interval, with its count, and nothing while nothing happens', async () => {
    const reports: number[] = [];
    const log = new RateLog(30, (count) => reports.push(count));
    for (let i = 0; i < 2166; i++) log.add();
    expect(reports).toEqual([]);
    await wait(60);
    expect(reports).toEqual([2166]);
    await wait(60);
    expect(reports).toEqual([2166]);
    log.add();
    log.add();
    await wait(60);
    expect(reports).toEqual([2166, 2]);
  });

  it('reports what it counted so far when flushed', () => {
    const reports: number[] = [];
    const log = new RateLog(60_000, (count) => reports.push(count));
    log.add();
    log.flush();
    log.flush();
    expect(reports).toEqual([1]);
  });
});
