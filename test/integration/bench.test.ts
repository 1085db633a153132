// `newsletter bench` end to end on tiny numbers: it runs against real Redis and a real sink,
// writes a well-formed result and cleans up after itself. No timing assertions: speed is what
// the benchmark measures, not what the test checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/result.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const run = promisify(execFile);
let dir: string;
let result: BenchResult;
let output: { stdout: string; stderr: string };
let benchKeysBefore: number;
const redis = new Redis(TEST_REDIS_URL);

async function countBenchKeys(): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    // Only the bench's own `{bench-<8 hex>}` prefixes (other code may use other `{bench-…}` tags).
    const [next, found] = await redis.scan(cursor, 'MATCH', '{bench-????????}*', 'COUNT', 1000);
    cursor = next;
    n += found.filter((key) => /^\{bench-[0-9a-f]{8}\}/.test(key)).length;
  } while (cursor !== '0');
  return n;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-bench-'));
  benchKeysBefore = await countBenchKeys();
  const out = join(dir, 'result.json');
  output = await run(
    process.execPath,
    ['bin/newsletter.js', 'bench', '--subscribers', '200', '--naive', '5', '--workers', '1', '--ceiling', '100', '--out', out],
    {
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' },
      timeout: 240_000,
      maxBuffer: 10 * 1024 * 1024,
    },
  );
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

describe('newsletter bench (tiny run)', () => {
  it('writes every required field as a finite number > 0', () => {
    for (const rate of ['ceiling', 'ceilingRawPath', 'naive', 'pipeline', 'enqueue'] as const) positive(result.rates[rate]);
    positive(result.ratios.pipelineOverNaive);
    positive(result.ratios.pipelineOverCeiling);
    positive(result.redis.bytesPerWaitingJob);
    positive(result.redis.ledgerBytesPerSubscriber);
    expect(result.redis.peakBytes).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(result.redis.peakBytes)).toBe(true);
    positive(result.publishMs);
    positive(result.personaliseUs);
    positive(result.personaliseTracked.us);
    expect(result.personaliseTracked.tokens).toBeGreaterThanOrEqual(result.personaliseTracked.links);
    expect(result.subscribers).toBe(200);
    positive(result.latency.p50Ms);
    positive(result.latency.p99Ms);
    expect(result.latency.p99Ms).toBeGreaterThanOrEqual(result.latency.p50Ms);
    expect(result.latency.samples).toBeGreaterThan(0);
    expect(result.workers.count).toBe(1);
    positive(result.workers.maxRssBytes);
    positive(result.workers.cpuMsPerMessage);
    positive(result.projection1M.sendBytes);
    positive(result.projection1M.totalBytes);
    expect(result.projection1M.method).toBe('computed');
    positive(result.machine.cpus);
    expect(result.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(result.startedAt))).toBe(false);
    positive(result.messageBytes);
  });

  it('sent exactly the numbers asked for', () => {
    expect(result.pipeline).toMatchObject({ messages: 200, sent: 200, failed: 0, state: 'done' });
    // Each ceiling path ran before and after the pipeline, 100 messages each time.
    expect(result.ceiling.runs.map((r: { path: string; when: string; messages: number }) => `${r.path} ${r.when} ${r.messages}`)).toEqual([
      'nodemailer before 100',
      'raw-path before 100',
      'nodemailer after 100',
      'raw-path after 100',
    ]);
    expect(result.ceiling.messages).toBe(200);
    expect(result.naive.messages).toBe(5);
  });

  it('computes the ratios from the rates', () => {
    expect(result.ratios.pipelineOverNaive).toBeCloseTo(result.rates.pipeline / result.rates.naive, 9);
    expect(result.ratios.pipelineOverCeiling).toBeCloseTo(result.rates.pipeline / result.rates.ceiling, 9);
    expect(result.ratios.pipelineOverRawPath).toBeCloseTo(result.rates.pipeline / result.rates.ceilingRawPath, 9);
    // C and C_raw are the means of their runs.
    const mean = (path: string) => {
      const runs = result.ceiling.runs.filter((r: { path: string }) => r.path === path);
      return runs.reduce((sum: number, r: { rate: number }) => sum + r.rate, 0) / runs.length;
    };
    expect(result.rates.ceiling).toBeCloseTo(mean('nodemailer'), 9);
    expect(result.rates.ceilingRawPath).toBeCloseTo(mean('raw-path'), 9);
  });

  it('prints the table with the targets, and leaves no bench keys in Redis', async () => {
    expect(output.stdout).toContain('pipeline P');
    expect(output.stdout).toContain('targets:');
    expect(await countBenchKeys()).toBeLessThanOrEqual(benchKeysBefore);
  });
});
