// `newsletter bench studio` end to end on a few edits: it starts its own server, edits the model
// issue through the studio over HTTP, writes a well-formed result, and leaves neither keys nor
// files behind. No timing assertions: speed is what the benchmark measures, not what the test checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBenchResult } from '../../src/bench/studio-bench.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const run = promisify(execFile);
let dir: string;
let result: StudioBenchResult;
let stdout: string;
const redis = new Redis(TEST_REDIS_URL);
const issueBefore = readFile('emails/issues/pretrain-weekly-064.yaml', 'utf8');

async function benchKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', '{bench-studio-*', 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-bench-studio-'));
  const out = join(dir, 'result.json');
  ({ stdout } = await run(process.execPath, ['bin/newsletter.js', 'bench', 'studio', '--edits', '6', '--out', out], {
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' },
    timeout: 120_000,
  }));
  result = JSON.parse(await readFile(out, 'utf8'));
}, 180_000);

afterAll(async () => {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('newsletter bench studio (small run)', () => {
  it('times every edit and its preview, and checks the target', () => {
    expect(result.edits).toBe(6);
    expect(result.fields).toBeGreaterThan(100);
    for (const t of [result.editToPanel, result.frame, result.editToPreview]) {
      expect(t.p50).toBeGreaterThan(0);
      expect(t.p99).toBeGreaterThanOrEqual(t.p50);
      expect(t.max).toBeGreaterThanOrEqual(t.p99);
    }
    expect(result.targets.map((t) => t.name)).toEqual(['edit → preview p99']);
    expect(stdout).toContain('edit → preview');
  });

  it('leaves no key and no change behind', async () => {
    expect(await benchKeys()).toEqual([]);
    expect(await readFile('emails/issues/pretrain-weekly-064.yaml', 'utf8')).toBe(await issueBefore);
  });
});
