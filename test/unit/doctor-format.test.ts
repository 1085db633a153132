// The doctor's lines as an operator reads them: one per check, the fix on the same line, a total.
import { describe, expect, it } from 'vitest';
import { formatDoctor } from '../../src/doctor/run-doctor.ts';
import { fail, pass, warn } from '../../src/doctor/types.ts';

describe('formatDoctor', () => {
  it('writes one line per check with its fix, then the count', () => {
    expect(
      formatDoctor([
        pass('spf', 'news.test: v=spf1 ip4:127.0.0.1 -all'),
        warn('public-url', 'http://127.0.0.1:3000 is http on this machine', 'serve it over https'),
        fail('redis-aof', 'appendonly is no', 'set appendonly yes'),
      ]),
    ).toBe(
      [
        'ok   spf         news.test: v=spf1 ip4:127.0.0.1 -all',
        'WARN public-url  http://127.0.0.1:3000 is http on this machine → fix: serve it over https',
        'FAIL redis-aof   appendonly is no → fix: set appendonly yes',
        '1 check(s) failed, 1 warning(s)',
        '',
      ].join('\n'),
    );
  });

  it('says so when everything passed', () => {
    expect(formatDoctor([pass('spf', 'found')])).toBe('ok   spf  found\nall checks passed\n');
  });
});
