// Request log lines drop every token a URL can carry (src/server/app.ts redactUrl).
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/server/app.ts';

describe('redactUrl', () => {
  it('keeps a tracked link’s issue and number and drops its click token', () => {
    expect(redactUrl('/r/pretrain-weekly-064/12/978670.NhAwBXnK1FLZaxar4qHVJgcavY8T')).toBe('/r/pretrain-weekly-064/12/[token]');
    expect(redactUrl('/r/pretrain-weekly-064/12/978670.NhAw/more?x=1')).toBe('/r/pretrain-weekly-064/12/[token]?x=[redacted]');
  });

  it('drops the whole path under /r/ when it is not shaped like a tracked link (a token may be anywhere)', () => {
    expect(redactUrl('/r/978670.NhAwBXnK1FLZaxar4qHVJgcavY8T/1/x')).toBe('/r/[redacted]');
    expect(redactUrl('/r/pretrain-weekly-064/978670.NhAw')).toBe('/r/[redacted]');
    expect(redactUrl('/r/')).toBe('/r/[redacted]');
  });

  it('keeps the open pixel’s issue and drops its token, or the whole path when it is not shaped like one', () => {
    expect(redactUrl('/o/pretrain-weekly-064/978670.NhAwBXnK1FLZaxar4qHVJgcavY8T.gif')).toBe('/o/pretrain-weekly-064/[token]');
    expect(redactUrl('/o/978670.NhAwBXnK1FLZaxar4qHVJgcavY8T.gif')).toBe('/o/[redacted]');
  });

  it('still drops list and confirmation tokens and query values', () => {
    expect(redactUrl('/unsubscribe/1.2.list.mac?issue=x')).toBe('/unsubscribe/[token]?issue=[redacted]');
    expect(redactUrl('/confirm/abc')).toBe('/confirm/[token]');
    expect(redactUrl('/admin/invite/1.abcdefghijkl.1796929017.mac')).toBe('/admin/invite/[token]');
    expect(redactUrl('/admin/reset/1.abcdefghijkl.1796929017.mac')).toBe('/admin/reset/[token]');
    expect(redactUrl('/admin/reset?sent=1')).toBe('/admin/reset?sent=[redacted]');
    expect(redactUrl('/issues/pretrain-weekly-064')).toBe('/issues/pretrain-weekly-064');
  });
});
