// `newsletter bench tracking` end to end on tiny sizes: it starts its own server, loads tracked
// links with autocannon, sends 200 messages twice (the second time in a scanner storm), writes a
// well-formed result whose invariants hold (every answer a redirect, every request the server
// received counted once as a click, every storm click counted a machine's), and leaves no key
// behind. No timing assertions: speed is what the benchmark measures, not what the test checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingBenchResult } from '../../src/bench/tracking-result.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const run = promisify(execFile);
let dir: string;
let result: TrackingBenchResult;
let stdout: string;
const redis = new Redis(TEST_REDIS_URL);

async function benchKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', '{bench-tracking-*', 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys;
}

/** Bench keys already there (an earlier run stopped hard): not this run's to clean up. */
let before: Set<string>;

beforeAll(async () => {
  before = new Set(await benchKeys());
  dir = await mkdtemp(join(tmpdir(), 'nl-bench-tracking-'));
  const out = join(dir, 'result.json');
  ({ stdout } = await run(
    process.execPath,
    ['bin/newsletter.js', 'bench', 'tracking', '--duration', '1', '--connections', '10', '--subscribers', '200', '--out', out],
    { env: { ...process.env, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' }, timeout: 240_000, maxBuffer: 10 * 1024 * 1024 },
  ));
  result = JSON.parse(await readFile(out, 'utf8'));
}, 300_000);

afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('newsletter bench tracking (tiny run)', () => {
  it('follows tracked links under load: every answer a redirect, every request counted once', () => {
    const r = result.redirects;
    expect(r.connections).toBe(10);
    expect(r.durationSeconds).toBe(1);
    expect(r.load.completed).toBeGreaterThan(0);
    expect(r.load.status['3xx']).toBe(r.load.completed);
    expect(r.non3xx).toBe(0);
    expect(r.load.latencyMs.p99).toBeGreaterThanOrEqual(r.load.latencyMs.p50);
    // Requests still in flight when the load stopped are followed (and counted) all the same.
    expect(r.server.requests).toBeGreaterThanOrEqual(r.load.completed);
    expect(r.server.requests).toBeLessThanOrEqual(r.load.sent);
    expect(r.counted.total).toBe(r.server.requests);
    expect(r.counted.human + r.counted.machine).toBe(r.counted.total);
    expect(result.logging).toEqual({ level: 'warn', destination: 'file', lines: expect.any(Number) });
    expect(result.targets.map((t) => t.name)).toEqual([
      'redirects per second (mean)',
      'redirect latency p99',
      'answers other than a redirect',
      'clicks counted = tracked-link requests received',
      "storm clicks all counted a machine's",
    ]);
    expect(result.targets.slice(2).every((t) => t.ok)).toBe(true);
    expect(stdout).toContain('redirects/s');
  });

  it("sends twice through the pipeline, the second time in a storm whose every click counts a machine's", () => {
    const s = result.storm;
    expect(s.subscribers).toBe(200);
    for (const send of [s.quiet, s.stormy]) {
      expect(send.messages).toBe(200);
      expect(send.rate).toBeGreaterThan(0);
    }
    expect(s.rateRatio).toBeCloseTo(s.stormy.rate / s.quiet.rate);
    expect(s.linksPerMessage).toBeGreaterThan(1);
    // Every link of every message, by a scanner and by a browser: made, or dropped when a loaded
    // machine could not make it in time (none failed, none answered otherwise).
    expect(s.clicks.made + s.clicks.late).toBe(200 * s.linksPerMessage * 2);
    expect(s.clicks.made).toBeGreaterThan(0);
    expect(s.clicks.failed).toBe(0);
    expect(s.clicks.non3xx).toBe(0);
    expect(s.clicks.maxDelayMs).toBeLessThanOrEqual(s.clickWithinSeconds * 1000);
    expect(s.counted).toEqual({ human: 0, machine: s.clicks.made });
    expect(s.allMachine).toBe(true);
    expect(stdout).toContain('all machine');
  });

  it('leaves no key behind', async () => {
    expect((await benchKeys()).filter((key) => !before.has(key))).toEqual([]);
  });
});
