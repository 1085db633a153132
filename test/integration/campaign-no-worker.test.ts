// A send nobody consumes says so: `send` (and `send --test`) with no worker on the queue prints
// how to start one, and the send stays queued, losing nothing, until a worker comes.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/newsletter.js', import.meta.url));

describe('send with no worker running', () => {
  let h: CampaignHarness;
  let readers: Seeded[];
  const cli = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...h.env }, timeout: 30_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end();
    });

  beforeAll(async () => {
    h = await startCampaignHarness();
    readers = await h.seed(5);
  });
  afterAll(async () => h?.close());

  it('says no worker is running and how to start one; the send waits and completes once one runs', async () => {
    const run = await cli('send', SAMPLE_ISSUE, '--yes');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `newsletter send: no worker is running on ${h.env.REDIS_URL} (KEY_PREFIX ${h.env.KEY_PREFIX}): the send stays queued, nothing is lost`,
    );
    expect(run.stderr).toContain('`npx newsletter worker`');
    const test = await cli('send', SAMPLE_ISSUE, '--test', 'editor@example.test');
    expect(test.code).toBe(0);
    expect(test.stderr).toContain('no worker is running');

    const waiting = await h.status('pretrain-weekly-064');
    expect(waiting.state).toBe('sending');
    expect(waiting.sent).toBe(0);
    await h.startWorker();
    const done = await h.waitForState('pretrain-weekly-064', ['done']);
    expect(done).toMatchObject({ total: 5, sent: 5 });
    await h.waitForState((/(pretrain-weekly-064~test-\d+)/.exec(test.stdout) ?? [])[1] ?? 'missing test id', ['done']);
    const received = h.receivedPerAddress();
    expect(readers.map((r) => received.get(r.email))).toEqual([1, 1, 1, 1, 1]);
    expect(received.get('editor@example.test')).toBe(1);
  });
});
