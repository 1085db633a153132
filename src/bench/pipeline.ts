// Pipeline P: the send exactly as users run it. The issue is already published and the list
// seeded (run-bench.ts); here `startListSend` records the campaign and queues the fan-out,
// K worker processes (workers/worker.ts) run the fan-out and the deliveries, and we watch:
// the campaign status until `done`, the sink's 250s, Redis memory, and the workers' /proc.
import type { Redis } from 'ioredis';
import { deliverJobId } from '../campaign/records/ids.ts';
import { openSends } from '../campaign/sends.ts';
import type { Partitions } from '../redis/partitions.ts';
import { startListSend } from '../campaign/start-send.ts';
import { isFinished, watchCampaign } from '../campaign/status.ts';
import type { CampaignStatus, PublishedIssue } from '../campaign/types.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { followEnqueueTimes, type EnqueueTimes } from './enqueue-times.ts';
import { readMachineCpu, readProcStats, utilisationOf, type Utilisation } from './proc-stats.ts';
import { commandStats, commandsPerMessage, redisCpuMsByNode, startMemoryPoller } from './redis-info.ts';
import { quantile } from './result.ts';
import type { SinkHandle } from './sink.ts';
import { startWorkerPool } from './worker-pool.ts';

export interface PipelineOptions {
  redis: Redis;
  /** A `forQueues` client for BullMQ. */
  queueConnection: Redis;
  /** The bench deployment's partitions: the send spreads over them as a real one does. */
  partitions: Partitions;
  store: SubscriberStore;
  published: PublishedIssue;
  subscribers: number;
  sink: SinkHandle;
  workers: number;
  workerEnv: NodeJS.ProcessEnv;
  /** Jobs the fan-out keeps waiting at most: the first `window` adds are never held back. */
  window: number;
  cpuProfDir?: string;
  log: (line: string) => void;
}

export interface PipelineResult {
  messages: number;
  seconds: number;
  rate: number;
  enqueueRate: number;
  status: CampaignStatus;
  latency: { p50Ms: number; p99Ms: number; maxMs: number; samples: number };
  peakUsedMemory: number;
  workerMaxRssBytes: number;
  workerCpuMs: number;
  /** CPU ms per message of the sink process and of the Redis server during the send. */
  sinkCpuMsPerMessage: number;
  redisCpuMsPerMessage: number;
  /** Redis CPU ms per message on each master (one entry on a single Redis): a shard's bound. */
  redisCpuMsPerMessageByNode: Array<{ node: string; ms: number }>;
  /** The bench process itself (status and memory polling, following the events stream). */
  benchCpuMsPerMessage: number;
  /** Server-side cost per message by command (diagnostic; other Redis clients add noise). */
  redisCommands: Array<{ command: string; calls: number; usec: number }>;
  utilisation: Utilisation;
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const { redis, published, sink } = opts;
  const issueId = published.issueId;
  const sends = openSends(redis, opts.partitions, opts.queueConnection);
  // Every worker process serves every partition: counting the first queue's workers is enough.
  const pool = await startWorkerPool({ count: opts.workers, env: opts.workerEnv, deliverQueue: sends.shards[0]!.queues.deliver, cpuProfDir: opts.cpuProfDir });
  const enqueued = followAll(sends.shards.map((s) => followEnqueueTimes(redis, s.queues.deliver.keys.events!)));
  let memory: ReturnType<typeof startMemoryPoller> | null = null;
  try {
    await sink.reset();
    const cpuBefore = await pool.sample();
    const sinkBefore = (await readProcStats(sink.pid))?.cpuMs ?? 0;
    const nodesBefore = await redisCpuMsByNode(redis);
    const commandsBefore = await commandStats(redis);
    const machineBefore = await readMachineCpu();
    const selfBefore = process.cpuUsage();
    memory = startMemoryPoller(redis, 100);

    await startListSend({ ...sends, store: opts.store }, published);
    const timeoutMs = Math.max(120_000, opts.subscribers * 20);
    const deadline = Date.now() + timeoutMs;
    let lastLog = 0;
    const status = await watchCampaign(sends, issueId, 100, (s) => {
      if (isFinished(s.state)) return;
      pool.assertAlive();
      if (Date.now() > deadline) throw new Error(`pipeline: not done after ${timeoutMs} ms: ${JSON.stringify(s)}`);
      if (Date.now() - lastLog > 2000) {
        opts.log(`  pipeline: ${s.sent} / ${opts.subscribers} sent`);
        lastLog = Date.now();
      }
    });
    if (status.sent !== opts.subscribers) throw new Error(`pipeline: expected ${opts.subscribers} sent, status says ${JSON.stringify(status)}`);
    const stats = await sink.waitFor(status.sent, { timeoutMs: 30_000 });
    const peakUsedMemory = await memory.stop();
    memory = null;
    const cpuAfter = await pool.sample();
    const sinkCpu = ((await readProcStats(sink.pid))?.cpuMs ?? 0) - sinkBefore;
    const nodesAfter = await redisCpuMsByNode(redis);
    // The Redis server's CPU during the send: every master's, summed (one INFO cpu per node).
    const perNode = [...nodesAfter].map(([node, ms]) => ({ node, ms: ms - (nodesBefore.get(node) ?? ms) }));
    const redisCpu = perNode.reduce((sum, n) => sum + n.ms, 0);
    const commandsAfter = await commandStats(redis);
    const machineAfter = await readMachineCpu();
    const self = process.cpuUsage(selfBefore);
    await enqueued.stop();

    // Enqueue → 250 per message: the sink keyed each 250 by Message-ID, which names the subscriber.
    const { ids, times } = await sink.records();
    const latencies: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const subscriberId = subscriberFromMessageId(ids[i]!, issueId);
      const added = subscriberId ? enqueued.times.get(deliverJobId(issueId, subscriberId)) : undefined;
      if (added !== undefined) latencies.push(times[i]! - added);
    }
    latencies.sort((a, b) => a - b);

    const addedTimes = [...enqueued.times.values()].sort((a, b) => a - b);
    const firstAdded = addedTimes[0] ?? stats.firstAt;
    const seconds = (stats.lastAt - firstAdded) / 1000;
    // The first `window` jobs are added as fast as the fan-out can; later ones wait for room.
    // Stream ids have 1 ms resolution, so a tiny list added in one call spans at least 1 ms.
    const unthrottled = addedTimes.slice(0, Math.min(addedTimes.length, opts.window));
    const enqueueSpanMs = Math.max(1, (unthrottled.at(-1) ?? 0) - (unthrottled[0] ?? 0));

    const cpuMs = cpuAfter.reduce((sum, s, i) => sum + (s && cpuBefore[i] ? s.cpuMs - cpuBefore[i]!.cpuMs : 0), 0);
    const utilisation = utilisationOf(machineBefore, machineAfter, cpuMs + sinkCpu + redisCpu + (self.user + self.system) / 1000);
    return {
      messages: stats.messages,
      seconds,
      rate: stats.messages / seconds,
      enqueueRate: unthrottled.length / (enqueueSpanMs / 1000),
      status,
      latency: { p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies.at(-1) ?? 0, samples: latencies.length },
      peakUsedMemory,
      workerMaxRssBytes: Math.max(0, ...cpuAfter.map((s) => s?.maxRssBytes ?? 0)),
      workerCpuMs: cpuMs,
      sinkCpuMsPerMessage: sinkCpu / Math.max(1, stats.messages),
      redisCpuMsPerMessage: redisCpu / Math.max(1, stats.messages),
      redisCpuMsPerMessageByNode: perNode.map(({ node, ms }) => ({ node, ms: ms / Math.max(1, stats.messages) })),
      benchCpuMsPerMessage: (self.user + self.system) / 1000 / Math.max(1, stats.messages),
      redisCommands: commandsPerMessage(commandsBefore, commandsAfter, Math.max(1, stats.messages)),
      utilisation,
    };
  } finally {
    await memory?.stop();
    await enqueued.stop();
    await pool.stop();
    await sends.close();
  }
}

/** `<issue>.<subscriber>.<hash>@domain` (docs/standards.md) → the subscriber id, or null. */
export function subscriberFromMessageId(messageId: string, issueId: string): string | null {
  if (!messageId.startsWith(`${issueId}.`)) return null;
  const rest = messageId.slice(issueId.length + 1);
  const end = rest.search(/[.@]/);
  return end > 0 ? rest.slice(0, end) : null;
}

/** Several partitions' deliver-event followers read as one: the job ids are distinct across them. */
function followAll(followers: EnqueueTimes[]): EnqueueTimes {
  const times = new Map<string, number>();
  return {
    times,
    async stop() {
      await Promise.all(followers.map((f) => f.stop()));
      for (const f of followers) for (const [id, at] of f.times) if (!times.has(id)) times.set(id, at);
    },
  };
}
