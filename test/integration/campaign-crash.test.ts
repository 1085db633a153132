// Issue 4 acceptance (b): a worker PROCESS killed with SIGKILL mid-send and started again →
// every address gets its message; a second copy only for subscribers the ledger counts as
// possible duplicates (the one window SMTP cannot close). Also: a fan-out stopped half-way
// resumes from its saved cursor.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../../workers/worker.ts', import.meta.url));

function spawnWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    env: { ...process.env, ...env, WORKER_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', () => {});
  return child;
}

describe('a worker killed mid-send', () => {
  let h: CampaignHarness | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close();
    h = undefined;
  });

  it('SIGKILL then restart: every address gets its message, duplicates only where counted', async () => {
    h = await startCampaignHarness();
    const N = 3_000;
    const subscribers = await h.seed(N);
    const published = await h.publish();
    const first = spawnWorker(h.env);
    children.push(first);
    await h.send(published);
    await waitUntil('the first messages', () => h!.sink.messages.length >= 400, 40_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = h.sink.messages.length;
    expect(atKill).toBeLessThan(N);

    const second = spawnWorker(h.env);
    children.push(second);
    // The dead worker's jobs come back when their locks expire (the harness's short lock and stalled check).
    const status = await h.waitForState(published.issueId, ['done'], 60_000);
    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);

    const inDoubt = new Set(await h.ledger.inDoubt(published.issueId));
    const perAddress = h.receivedPerAddress();
    for (const s of subscribers) {
      const got = perAddress.get(s.email) ?? 0;
      expect(got, `${s.email} got nothing`).toBeGreaterThan(0);
      if (got > 1) {
        expect(inDoubt.has(s.id), `${s.email} got ${got} copies without being counted in doubt`).toBe(true);
        expect(got).toBe(2);
      }
    }
    expect(status).toMatchObject({ state: 'done', total: N, queued: 0, sent: N, failed: 0, skipped: 0, bounced: 0, unknown: 0 });
    expect(status.possibleDuplicates).toBe(inDoubt.size);
    await expectLedgerMatches(h, published.issueId);
    const duplicates = [...perAddress.values()].filter((n) => n > 1).length;
    // Only messages whose data had gone out are in doubt. The report can exceed the truth only by
    // marks Redis had applied whose reply the killed worker had not read yet (so it never wrote
    // the final dot): at most one per message in flight, the worker's concurrency (32).
    expect(inDoubt.size - duplicates).toBeLessThanOrEqual(32);
    console.log(`campaign-crash: killed after ${atKill} messages; ${inDoubt.size} in doubt (re-sent), ${duplicates} actually received twice`);
  }, 120_000);

  it('a fan-out stopped half-way resumes from its saved cursor, adding each subscriber once', async () => {
    h = await startCampaignHarness();
    const N = 1_200;
    const subscribers = await h.seed(N);
    const published = await h.publish();
    // A small window keeps the fan-out paging while messages go out.
    const window = { fanout: { chunkSize: 50, window: 60, pollMs: 20 } }; // see the bound below
    const a = await h.startWorker(window, 8);
    // The queue never holds more than window + one chunk of this send's jobs.
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const c = await h!.queues.deliver.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        most = Math.max(most, c.waiting! + c.delayed! + c.active! + c.prioritized!);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await h.send(published);
    await waitUntil('part of the send', () => h!.sink.messages.length >= 300, 40_000);
    await a.close();
    const midway = await h.redis.hgetall(h.keys.campaign(published.issueId));
    expect(midway.fanoutDone).toBe('0');
    expect(Number(midway.cursor)).toBeGreaterThan(0);
    expect(Number(midway.total)).toBeLessThan(N);

    await h.startWorker(window, 8);
    const status = await h.waitForState(published.issueId, ['done'], 60_000);
    sampling = false;
    await sampler;
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(60 + 50);
    const perAddress = h.receivedPerAddress();
    for (const s of subscribers) expect(perAddress.get(s.email) ?? 0, s.email).toBe(1);
    expect(status).toMatchObject({ total: N, sent: N, queued: 0, possibleDuplicates: 0 });
  }, 120_000);

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
});
