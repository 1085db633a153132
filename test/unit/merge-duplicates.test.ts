// How two records of one mailbox merge (the decision alone; the store's part is tested in
// test/integration/subscriber-store.test.ts).
import { describe, expect, it } from 'vitest';
import { planMerge } from '../../src/subscribers/merge-duplicates.ts';
import type { Subscriber } from '../../src/subscribers/types.ts';

const base = (over: Partial<Subscriber>): Subscriber => ({
  id: '1',
  email: 'a@example.com',
  status: 'active',
  lists: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('planMerge', () => {
  it('keeps the record with the earliest consent, whatever its id or creation time', () => {
    const older = base({
      id: '9',
      email: 'Ann@example.com',
      createdAt: '2025-05-01T00:00:00.000Z',
      consent: { at: '2024-01-01T00:00:00.000Z', textVersion: 'v1', source: 'form' },
    });
    const newer = base({ id: '2', email: 'ann@example.com', consent: { at: '2025-02-01T00:00:00.000Z', textVersion: 'v2', source: 'api' } });
    const plan = planMerge([newer, older]);
    expect(plan.keep.id).toBe('9');
    expect(plan.drop.map((s) => s.id)).toEqual(['2']);
  });

  it('falls back to creation time, then id, when no record has a consent', () => {
    expect(planMerge([base({ id: '5', createdAt: '2025-03-01T00:00:00.000Z' }), base({ id: '7', createdAt: '2025-02-01T00:00:00.000Z' })]).keep.id).toBe('7');
    expect(planMerge([base({ id: '5' }), base({ id: '3' })]).keep.id).toBe('3');
  });

  it('joins the lists and lets a complaint, bounce or unsubscribe outweigh active and pending', () => {
    const cases: Array<[Subscriber['status'][], Subscriber['status']]> = [
      [['active', 'pending'], 'active'],
      [['active', 'unsubscribed'], 'unsubscribed'],
      [['bounced', 'active'], 'bounced'],
      [['unsubscribed', 'complained', 'active'], 'complained'],
    ];
    for (const [statuses, expected] of cases) {
      const plan = planMerge(statuses.map((status, i) => base({ id: String(i + 1), status, lists: [`l${i}`, 'shared'] })));
      expect(plan.status).toBe(expected);
      expect(plan.lists.sort()).toEqual([...statuses.map((_, i) => `l${i}`), 'shared'].sort());
    }
  });

  it('gives the survivor a name and locale only when it had none', () => {
    expect(planMerge([base({ id: '1' }), base({ id: '2', name: 'Ann', locale: 'de' })])).toMatchObject({ name: 'Ann', locale: 'de' });
    const plan = planMerge([base({ id: '1', name: 'Kept' }), base({ id: '2', name: 'Other' })]);
    expect(plan.name).toBeUndefined();
    expect(() => planMerge([base({})])).toThrow(RangeError);
  });
});
