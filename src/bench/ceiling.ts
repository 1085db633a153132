// Ceiling C: the same prebuilt message blasted at the sink by as many processes as the pipeline
// has workers, each with the workers' pool size and concurrency, with no queue, no Redis and no
// per-recipient work. It is the most this machine's SMTP client + sink can do with that message,
// so P / C says what the queue, the ledger and personalisation cost on top. Measured through
// nodemailer's own transport (C, the issue's definition) and through the workers' raw path
// (C_raw: what the pipeline's sending alone could do), each before and after the pipeline.
import type { ChildProcess } from 'node:child_process';
import type { Envelope } from '../mail/types.ts';
import type { BlastPath, BlastReply, BlastRun } from './blast-process.ts';
import { entryBeside, spawnEntry, stopChild } from './children.ts';
import { readMachineCpu, readProcStats, utilisationOf, type Utilisation } from './proc-stats.ts';
import type { SinkHandle } from './sink.ts';

const BLAST_ENTRY = entryBeside('./blast-process.ts', import.meta.url);

export interface CeilingOptions {
  sink: SinkHandle;
  envelope: Envelope;
  raw: Buffer;
  /** Which client sends (blast-process.ts): nodemailer's own transport, or the workers' raw path. */
  path: BlastPath;
  messages: number;
  processes: number;
  maxConnections: number;
  concurrency: number;
}

export interface CeilingResult {
  messages: number;
  seconds: number;
  rate: number;
  /** CPU ms per message of the blasting processes (the SMTP client side alone), from /proc. */
  clientCpuMsPerMessage: number;
  /** CPU ms per message of the sink process during the blast. */
  sinkCpuMsPerMessage: number;
  utilisation: Utilisation;
}

export async function runCeiling(opts: CeilingOptions): Promise<CeilingResult> {
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < opts.processes; i++) children.push(spawnEntry(BLAST_ENTRY, { ipc: true }));
    // Wait until every blaster has loaded its code, so start-up time is not counted as sending.
    await Promise.all(children.map((c) => nextReply(c, 'ready')));
    await opts.sink.reset();

    const share = (i: number) => Math.floor(opts.messages / opts.processes) + (i < opts.messages % opts.processes ? 1 : 0);
    const rawBase64 = opts.raw.toString('base64');
    const cpuBefore = await cpuMs(children.map((c) => c.pid ?? 0));
    const sinkBefore = await cpuMs([opts.sink.pid]);
    const machineBefore = await readMachineCpu();
    const selfBefore = process.cpuUsage();
    const startedAt = Date.now();
    const done = children.map((c) => nextReply(c, 'done'));
    children.forEach((c, i) => {
      c.send({
        type: 'run',
        smtpUrl: opts.sink.smtpUrl,
        envelope: opts.envelope,
        rawBase64,
        count: share(i),
        path: opts.path,
        maxConnections: opts.maxConnections,
        concurrency: opts.concurrency,
      } satisfies BlastRun);
    });
    const replies = await Promise.all(done);
    const failed = replies.reduce((sum, r) => sum + (r.type === 'done' ? r.failed : 0), 0);
    if (failed > 0) {
      const first = replies.find((r) => r.type === 'done' && r.firstError);
      throw new Error(`ceiling: ${failed} of ${opts.messages} sends failed (${first?.type === 'done' ? first.firstError : 'unknown error'})`);
    }
    const stats = await opts.sink.waitFor(opts.messages, { timeoutMs: 60_000 });
    const seconds = (stats.lastAt - startedAt) / 1000;
    const clientCpu = (await cpuMs(children.map((c) => c.pid ?? 0))) - cpuBefore;
    const sinkCpu = (await cpuMs([opts.sink.pid])) - sinkBefore;
    const machineAfter = await readMachineCpu();
    const self = process.cpuUsage(selfBefore);
    const utilisation = utilisationOf(machineBefore, machineAfter, clientCpu + sinkCpu + (self.user + self.system) / 1000);
    return {
      messages: stats.messages,
      seconds,
      rate: stats.messages / seconds,
      clientCpuMsPerMessage: clientCpu / stats.messages,
      sinkCpuMsPerMessage: sinkCpu / stats.messages,
      utilisation,
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c, 2000)));
  }
}

async function cpuMs(pids: number[]): Promise<number> {
  const samples = await Promise.all(pids.map((pid) => readProcStats(pid)));
  return samples.reduce((sum, s) => sum + (s?.cpuMs ?? 0), 0);
}

async function nextReply<T extends BlastReply['type']>(child: ChildProcess, type: T): Promise<Extract<BlastReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: BlastReply) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<BlastReply, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`ceiling: a blast process exited (code ${code}) before '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** One blast of the ceiling, labelled with its client path and when it ran. */
export interface CeilingRun extends CeilingResult {
  path: BlastPath;
  /** 'before' or 'after' the pipeline: the ceiling is measured on both sides of it. */
  when: 'before' | 'after';
}

export interface CeilingSummary {
  /** Mean rate of the runs; the machine's speed drifts, so a run before and one after the pipeline. */
  rate: number;
  clientCpuMsPerMessage: number;
  sinkCpuMsPerMessage: number;
  utilisation: Utilisation;
  messages: number;
  seconds: number;
}

/** Means over the runs of one path (throws when there is none: a bench bug, not a user error). */
export function summariseCeiling(runs: CeilingRun[], path: BlastPath): CeilingSummary {
  const mine = runs.filter((r) => r.path === path);
  if (!mine.length) throw new Error(`ceiling: no ${path} run`);
  const mean = (f: (r: CeilingRun) => number) => mine.reduce((sum, r) => sum + f(r), 0) / mine.length;
  return {
    rate: mean((r) => r.rate),
    clientCpuMsPerMessage: mean((r) => r.clientCpuMsPerMessage),
    sinkCpuMsPerMessage: mean((r) => r.sinkCpuMsPerMessage),
    utilisation: { machineBusy: mean((r) => r.utilisation.machineBusy), ours: mean((r) => r.utilisation.ours) },
    messages: mine.reduce((sum, r) => sum + r.messages, 0),
    seconds: mine.reduce((sum, r) => sum + r.seconds, 0),
  };
}
