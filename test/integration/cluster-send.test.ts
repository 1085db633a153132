// Issue 16 (1): the whole pipeline on a real 3-master Redis Cluster (REDIS_CLUSTER=true, seed
// nodes in REDIS_URL, ioredis' Cluster client in every process): a send of a few thousand
// subscribers reaches every one exactly once, and a worker process SIGKILLed mid-send loses
// nothing (a second copy only where the ledger counts one in doubt). Then (part 2) the same
// with QUEUE_PARTITIONS=3: subscribers and the send spread over all three masters.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { masters } from '../../src/redis/connection.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { startRedisCluster, type TestCluster } from '../helpers/redis-cluster.ts';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../../workers/worker.ts', import.meta.url));
let cluster: TestCluster;
let h: CampaignHarness | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 120_000);
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await cluster?.stop();
});

function spawnWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    env: { ...process.env, ...env, WORKER_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', () => {});
  children.push(child);
  return child;
}

describe('on a 3-master Redis Cluster', () => {
  it('a send of 3,000 reaches every subscriber exactly once', async () => {
    h = await startCampaignHarness({ cluster: cluster.url });
    const N = 3_000;
    const subscribers = await h.seed(N);
    const published = await h.publish();
    await h.startWorker();
    await h.send(published);
    const status = await h.waitForState(published.issueId, ['done'], 90_000);
    expect(status).toMatchObject({ state: 'done', total: N, queued: 0, sent: N, failed: 0, skipped: 0, unknown: 0, possibleDuplicates: 0 });
    const perAddress = h.receivedPerAddress(published.issueId);
    expect(perAddress.size).toBe(N);
    for (const s of subscribers) expect(perAddress.get(s.email), s.email).toBe(1);
    await expectLedgerMatches(h, published.issueId);
    // It ran on the cluster: the client sees three masters, the send's record lives on exactly
    // one of them (its hash tag's slot), and the plain Redis on 6379 holds nothing of it.
    const nodes = masters(h.redis);
    expect(nodes).toHaveLength(3);
    // A node that does not own the slot answers MOVED.
    const holders = await Promise.all(
      nodes.map((n) => n.exists(h!.keys.campaign(published.issueId)).catch((e: Error) => (/^MOVED/.test(e.message) ? 0 : Promise.reject(e)))),
    );
    expect(holders.reduce((a, b) => a + b, 0)).toBe(1);
    const plain = new Redis(TEST_REDIS_URL);
    try {
      expect(await plain.exists(h.keys.campaign(published.issueId))).toBe(0);
    } finally {
      plain.disconnect();
    }
  }, 180_000);

  it('a worker process SIGKILLed mid-send: every address gets its message, a second copy only where counted', async () => {
    h = await startCampaignHarness({ cluster: cluster.url });
    const N = 2_000;
    const subscribers = await h.seed(N, 'crash');
    const published = await h.publish();
    const first = spawnWorker(h.env);
    await h.send(published);
    await waitUntil('the first messages', () => h!.sink.messages.length >= 300, 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    expect(h.sink.messages.length).toBeLessThan(N);

    const second = spawnWorker(h.env);
    const status = await h.waitForState(published.issueId, ['done'], 90_000);
    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);

    const inDoubt = new Set(await h.ledger.inDoubt(published.issueId));
    const perAddress = h.receivedPerAddress(published.issueId);
    for (const s of subscribers) {
      const got = perAddress.get(s.email) ?? 0;
      expect(got, `${s.email} got nothing`).toBeGreaterThan(0);
      if (got > 1) expect(inDoubt.has(s.id), `${s.email} got ${got} copies without being counted in doubt`).toBe(true);
    }
    expect(status).toMatchObject({ state: 'done', total: N, queued: 0, sent: N, failed: 0 });
    expect(status.possibleDuplicates).toBe(inDoubt.size);
    await expectLedgerMatches(h, published.issueId);
  }, 180_000);

  it('three partitions: the send spreads over the three masters, every subscriber once; a SIGKILLed worker loses nothing', async () => {
    h = await startCampaignHarness({ cluster: cluster.url, partitions: 3 });
    const N = 3_000;
    const subscribers = await h.seed(N, 'spread');
    const published = await h.publish();
    const first = spawnWorker(h.env);
    await h.send(published);
    await waitUntil('the first messages', () => h!.sink.messages.length >= 500, 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const second = spawnWorker(h.env);
    const status = await h.waitForState(published.issueId, ['done'], 120_000);
    second.kill('SIGTERM');
    await once(second, 'exit');

    // Each partition's shard of the send (campaign hash, ledger, queues) and its subscribers
    // live on a master of their own.
    const nodes = masters(h.redis);
    const ownerOf = async (key: string) => {
      const owners = await Promise.all(
        nodes.map((n) =>
          n.exists(key).then(
            (found) => (found ? n : null),
            (e: Error) => (/^MOVED/.test(e.message) ? null : Promise.reject(e)),
          ),
        ),
      );
      return owners.filter(Boolean);
    };
    const holders = new Set<unknown>();
    for (const k of h.partitions.keys) {
      const [campaignHolder] = await ownerOf(k.campaign(published.issueId));
      const [ledgerHolder] = await ownerOf(k.ledger(published.issueId));
      expect(campaignHolder).toBeTruthy();
      expect(ledgerHolder).toBe(campaignHolder);
      holders.add(campaignHolder);
    }
    expect(holders.size).toBe(3);
    const perPartition = [0, 1, 2].map((p) => subscribers.filter((s) => h!.partitions.ofId(s.id) === p).length);
    for (const n of perPartition) expect(n).toBeGreaterThan(N / 6);

    const inDoubt = new Set((await Promise.all(h.sends.shards.map((s) => s.ledger.inDoubt(published.issueId)))).flat());
    const perAddress = h.receivedPerAddress(published.issueId);
    for (const s of subscribers) {
      const got = perAddress.get(s.email) ?? 0;
      expect(got, `${s.email} got nothing`).toBeGreaterThan(0);
      if (got > 1) expect(inDoubt.has(s.id), `${s.email} got ${got} copies without being counted in doubt`).toBe(true);
    }
    expect(status).toMatchObject({ state: 'done', total: N, queued: 0, sent: N, failed: 0, skipped: 0 });
    expect(status.possibleDuplicates).toBe(inDoubt.size);
    await expectLedgerMatches(h, published.issueId);
  }, 240_000);
});
