import { describe, expect, it } from 'vitest';
import { LoadingBudget } from '../../channels/line/loading-budget.ts';

describe('LoadingBudget', () => {
  it('allows a number of indicators per second, then none until the next second', () => {
    let now = 0;
    const budget = new LoadingBudget(3, () => now);
    expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
    now = 999;
    expect(budget.take()).toBe(false);
    now = 1000;
    expect(budget.take()).toBe(true);
  });
});
