import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLog } from '../../core/rate-log.ts';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('RateLog', () => {
  it('reports a burst once per interval, with its count, and nothing while nothing happens', () => {
    const reports: Array<[number, number]> = [];
    const log = new RateLog(10_000, (count, intervalMs) => reports.push([count, intervalMs]));
    for (let i = 0; i < 2166; i++) log.add();
    vi.advanceTimersByTime(9_999);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([[2166, 10_000]]);
    vi.advanceTimersByTime(60_000);
    expect(reports).toEqual([[2166, 10_000]]);
    log.add();
    log.add();
    vi.advanceTimersByTime(10_000);
    expect(reports).toEqual([[2166, 10_000], [2, 10_000]]);
  });

  it('reports what it counted so far when flushed, and then waits for the next occurrence', () => {
    const reports: number[] = [];
    const log = new RateLog(60_000, (count) => reports.push(count));
    log.add();
    log.flush();
    log.flush();
    vi.advanceTimersByTime(120_000);
    expect(reports).toEqual([1]);
  });
});
