// One request per interval (arXiv's three seconds), with a clock that only moves when told: the
// first caller goes at once, each next one waits for the rest of the interval, in order.
import { describe, expect, it } from 'vitest';
import { RequestSpacing } from '../../src/studio/request-spacing.ts';

function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}

describe('RequestSpacing', () => {
  it('lets the first through at once and spaces the rest by the interval, in the order asked', async () => {
    const t = fakeClock();
    const spacing = new RequestSpacing(3_000, t.clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => spacing.turn().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(t.sleeps).toEqual([3_000, 3_000]);
  });

  it('does not wait when the interval has passed since the last request', async () => {
    const t = fakeClock();
    const spacing = new RequestSpacing(3_000, t.clock);
    await spacing.turn();
    t.advance(1_000);
    await spacing.turn();
    t.advance(5_000);
    await spacing.turn();
    expect(t.sleeps).toEqual([2_000]);
  });
});
