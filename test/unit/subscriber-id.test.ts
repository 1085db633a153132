// The one definition of a subscriber id (src/redis/subscriber-id.ts), and the looser recipient
// id a deliver job may name: a test send's `t1`, `t2`, … are recipients, never subscribers.
import { describe, expect, it } from 'vitest';
import { testSubscriberId } from '../../src/campaign/records/ids.ts';
import { partitionOfId } from '../../src/redis/partitions.ts';
import { isRecipientId, isSubscriberId, SUBSCRIBER_ID } from '../../src/redis/subscriber-id.ts';

describe('subscriber ids', () => {
  it('are decimal from 1, at most 16 digits, no leading zero', () => {
    for (const id of ['1', '42', '9007199254740991'.slice(0, 16)]) expect(isSubscriberId(id), id).toBe(true);
    for (const id of ['0', '007', '12345678901234567', '', ' 1', '1a', '-1', 't1', 1 as unknown as string]) expect(isSubscriberId(id), String(id)).toBe(false);
    expect(SUBSCRIBER_ID.test('17')).toBe(true);
  });

  it("a test send's recipients are not subscribers, and live in the first partition", () => {
    const t1 = testSubscriberId(0);
    expect(t1).toBe('t1');
    expect(isSubscriberId(t1)).toBe(false);
    expect(isRecipientId(t1)).toBe(true);
    expect(partitionOfId(t1, 3)).toBe(-1);
  });

  it('a deliver job names its recipient as loosely as ever (a job queued earlier still runs)', () => {
    for (const id of ['1', 't12', '007', '12345678901234567890']) expect(isRecipientId(id), id).toBe(true);
    for (const id of ['', 'x1', 't', '123456789012345678901', '1:2']) expect(isRecipientId(id), id).toBe(false);
  });
});
