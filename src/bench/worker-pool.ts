// K deliver worker processes, started exactly as an operator starts them (`workers/worker.ts`,
// configured only through the environment), watched through /proc for CPU and peak RSS.
import type { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { entryBeside, spawnEntry, stopChild } from './children.ts';
import { readProcStats, type ProcSample } from './proc-stats.ts';

const WORKER_ENTRY = entryBeside('../../workers/worker.ts', import.meta.url);

export interface WorkerPool {
  pids: number[];
  /** CPU ms and VmHWM of every worker now (null where /proc is not readable). */
  sample(): Promise<Array<ProcSample | null>>;
  /** Throws when a worker exited on its own (a crash would otherwise look like a hang). */
  assertAlive(): void;
  stop(): Promise<void>;
}

export async function startWorkerPool(opts: {
  count: number;
  env: NodeJS.ProcessEnv;
  /** The deliver queue: readiness is "K workers are connected to it". */
  deliverQueue: Queue;
  cpuProfDir?: string;
  timeoutMs?: number;
}): Promise<WorkerPool> {
  // The flags bin/newsletter.js gives `newsletter worker`, so the bench measures what runs in production.
  const nodeArgs = ['--max-semi-space-size=2', ...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [])];
  const children: ChildProcess[] = Array.from({ length: opts.count }, () => spawnEntry(WORKER_ENTRY, { env: opts.env, nodeArgs }));
  const exits: string[] = [];
  for (const child of children) child.once('exit', (code, signal) => exits.push(`worker ${child.pid} exited (${signal ?? `code ${code}`})`));
  let stopping = false;

  const pool: WorkerPool = {
    pids: children.map((c) => c.pid ?? 0),
    sample: () => Promise.all(children.map((c) => (c.pid ? readProcStats(c.pid) : Promise.resolve(null)))),
    assertAlive() {
      if (!stopping && exits.length) throw new Error(`${exits.join('; ')} during the benchmark; see its output above`);
    },
    async stop() {
      stopping = true;
      // SIGTERM: the worker drains and exits normally, which is also when --cpu-prof is written.
      await Promise.all(children.map((c) => stopChild(c, 15_000)));
    },
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    while ((await opts.deliverQueue.getWorkersCount()) < opts.count) {
      pool.assertAlive();
      if (Date.now() > deadline)
        throw new Error(
          `only ${await opts.deliverQueue.getWorkersCount()} of ${opts.count} workers connected to the deliver queue after ${opts.timeoutMs ?? 60_000} ms`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await pool.stop();
    throw error;
  }
  return pool;
}
