// `newsletter bench subscribers` end to end on a small N: it generates the file, imports and
// exports it through the CLI, searches, writes a well-formed result and leaves no keys behind.
// No timing assertions: speed is what the benchmark measures, not what the test checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberRows, writeSubscriberCsv } from '../../src/bench/subscriber-csv.ts';
import type { SubscribersBenchResult } from '../../src/bench/subscribers-bench.ts';
import { normaliseEmail } from '../../src/subscribers/email-address.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const run = promisify(execFile);
let dir: string;
let result: SubscribersBenchResult;
let output: { stdout: string; stderr: string };
let benchKeysBefore: number;
const redis = new Redis(TEST_REDIS_URL);

async function countBenchKeys(): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', '{bench-????????}*', 'COUNT', 1000);
    cursor = next;
    n += found.filter((key) => /^\{bench-[0-9a-f]{8}\}/.test(key)).length;
  } while (cursor !== '0');
  return n;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-bench-subs-'));
  benchKeysBefore = await countBenchKeys();
  const out = join(dir, 'result.json');
  // --out after the subcommand: `bench` has an --out of its own, which must not take it.
  output = await run(process.execPath, ['bin/newsletter.js', 'bench', 'subscribers', '--rows', '400', '--queries', '12', '--out', out], {
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' },
    timeout: 240_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  result = JSON.parse(await readFile(out, 'utf8'));
}, 300_000);

afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

const positive = (value: unknown) => {
  expect(typeof value).toBe('number');
  expect(Number.isFinite(value)).toBe(true);
  expect(value as number).toBeGreaterThan(0);
};

describe('newsletter bench subscribers (small run)', () => {
  it('imports every row and writes every figure as a finite number', () => {
    expect(result.rows).toBe(400);
    expect(result.import.imported).toBe(400);
    for (const part of [result.import, result.export]) {
      positive(part.seconds);
      positive(part.rowsPerSecond);
      positive(part.peakRssBytes);
      expect(part.rowsPerSecond).toBeCloseTo(400 / part.seconds, 6);
    }
    positive(result.export.bytes);
    positive(result.csvBytes);
    positive(result.memory.storeBytesPerSubscriber);
    positive(result.memory.searchBytesPerSubscriber);
    for (const index of ['local', 'domain', 'name'] as const) positive(result.memory.searchBytesByIndex[index]);
    for (const kind of ['local', 'domain', 'name', 'auto'] as const) {
      const s = result.search[kind];
      expect(s.queries, kind).toBe(12);
      positive(s.p50Ms);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
      expect(s.maxMs).toBeGreaterThanOrEqual(s.p99Ms);
      // Each search starts from a row of the file: it finds at least that row.
      expect(s.meanMatches).toBeGreaterThanOrEqual(1);
    }
    expect(result.targets.map((t: { name: string }) => t.name)).toEqual([
      'import rate (--confirmed)',
      'import peak RSS',
      'search p99 (local)',
      'search p99 (domain)',
      'search p99 (name)',
    ]);
    expect(result.partitions).toBe(1);
  });

  it('prints the table with the targets, and leaves no bench keys in Redis', async () => {
    expect(output.stdout).toContain('import --confirmed');
    expect(output.stdout).toContain('search indexes per subscriber');
    expect(output.stdout).toContain('targets:');
    expect(await countBenchKeys()).toBeLessThanOrEqual(benchKeysBefore);
  });
});

describe('the generated CSV', () => {
  it('is the same for the same seed, one mailbox per row, every address valid', async () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    await writeSubscriberCsv(a, 3000);
    await writeSubscriberCsv(b, 3000);
    expect(await readFile(a, 'utf8')).toBe(await readFile(b, 'utf8'));
    const rows = [...subscriberRows(3000)];
    expect(new Set(rows.map((r) => r.email.toLowerCase())).size).toBe(3000);
    for (const r of rows) expect(normaliseEmail(r.email), r.email).not.toBeNull();
    expect(rows.filter((r) => r.name === '').length).toBeGreaterThan(0);
    expect(rows.some((r) => /[^\x00-\x7f]/.test(r.name))).toBe(true);
    await writeFile(b, '');
  });
});
