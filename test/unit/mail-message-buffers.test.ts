// MessageBuffers lends a buffer per message and takes it back only when released; a message
// built into a lent buffer is byte for byte the message built on its own.
import { describe, expect, it } from 'vitest';
import { prepareIssueMime } from '../../src/mail/issue-mime.ts';
import { MessageBuffers } from '../../src/mail/message-buffers.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { syntheticIssue } from './mail-helpers.ts';

const secrets = [{ version: 1, key: 'k'.repeat(40) }];
const mime = prepareIssueMime(syntheticIssue({ kb: 80 }), {
  from: '"预训练周刊" <weekly@pretrain-weekly.example>',
  publicUrl: 'https://pretrain-weekly.example',
});
const recipient = (id: string, email: string, name?: string) => ({
  subscriberId: id,
  email,
  ...(name ? { name } : {}),
  unsubscribeToken: signListToken(secrets, id, 'pretrain-weekly'),
});
const now = new Date('2026-12-03T10:00:00Z');

describe('MessageBuffers', () => {
  it('lends exactly the length asked for, and a released buffer is lent again', () => {
    const buffers = new MessageBuffers(4);
    const first = buffers.take(70_001);
    expect(first.bytes.length).toBe(70_001);
    const memory = first.bytes.buffer;
    first.release();
    first.release(); // a second release gives nothing back twice
    expect(buffers.idle).toBe(1);
    const second = buffers.take(70_100);
    expect(second.bytes.length).toBe(70_100);
    expect(second.bytes.buffer).toBe(memory);
    expect(buffers.idle).toBe(0);
  });

  it('never lends a buffer that was not released, and keeps at most `keep` for reuse', () => {
    const buffers = new MessageBuffers(2);
    const held = buffers.take(1_000);
    const other = buffers.take(1_000);
    expect(other.bytes.buffer).not.toBe(held.bytes.buffer);
    const leases = [held, other, buffers.take(1_000)];
    for (const lease of leases) lease.release();
    expect(buffers.idle).toBe(2);
  });

  it('lends a bigger buffer when the free ones are too small', () => {
    const buffers = new MessageBuffers(2);
    const small = buffers.take(100);
    small.release();
    const big = buffers.take(10_000);
    expect(big.bytes.length).toBe(10_000);
    expect(big.bytes.buffer).not.toBe(small.bytes.buffer);
    expect(buffers.idle).toBe(1);
  });
});

describe('build into a lent buffer', () => {
  it('gives the same bytes as a build on its own, for recipients of different lengths through the same buffers', () => {
    const buffers = new MessageBuffers(1);
    const people = [
      recipient('1', 'a@example.org'),
      recipient('1042', 'zhang.san.with.a.longer.address@example.org', '张三'),
      recipient('7', 'b@example.org', 'Bo'),
    ];
    for (const person of people) {
      const alone = mime.build(person, now).raw;
      const lease = { current: null as ReturnType<MessageBuffers['take']> | null };
      const built = mime.build(person, now, (length) => {
        lease.current = buffers.take(length);
        return lease.current.bytes;
      }).raw;
      expect(built.equals(alone)).toBe(true);
      expect(built.buffer).toBe(lease.current!.bytes.buffer);
      lease.current!.release();
    }
  });
});
