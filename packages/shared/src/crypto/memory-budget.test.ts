import { describe, expect, it } from 'vitest';
import { MemoryBudget } from './memory-budget.ts';

/** Runs jobs of the given sizes at once through a budget, and reports the most held together. */
async function peakHeld(budget: MemoryBudget, sizes: readonly number[]): Promise<{ peak: number; order: number[] }> {
  let held = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    sizes.map((bytes, index) =>
      budget.run(bytes, async () => {
        held += bytes;
        peak = Math.max(peak, held);
        order.push(index);
        await new Promise((resolve) => setTimeout(resolve, 5));
        held -= bytes;
      }),
    ),
  );
  return { peak, order };
}

describe('MemoryBudget', () => {
  it('never lets the jobs running together hold more than the budget', async () => {
    const { peak, order } = await peakHeld(new MemoryBudget(32), [8, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    expect(peak).toBe(32);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('runs a job larger than the whole budget alone, and keeps the order of arrival', async () => {
    const { peak, order } = await peakHeld(new MemoryBudget(32), [8, 64, 8, 32]);
    expect(peak).toBe(64);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('gives the memory back when a job fails', async () => {
    const budget = new MemoryBudget(8);
    await expect(budget.run(8, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await budget.run(8, async () => 'ran')).toBe('ran');
  });
});
