// The benchmark's result (written as JSON) and its table for the terminal, with the targets of
// the benchmark issue checked against the figures.
import { cpus, totalmem } from 'node:os';

/** What a bench figure was measured on, written into every bench result. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemBytes: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemBytes: totalmem(),
  };
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  issueId: string;
  /** Pipeline subscribers (N). */
  subscribers: number;
  /** Size on the wire of the prebuilt message used by the ceiling (one recipient). */
  messageBytes: number;
  /**
   * Messages per second; `enqueue` is deliver jobs added per second by the fan-out. `ceiling`
   * is C, through nodemailer's own pooled transport; `ceilingRawPath` the same blast through
   * the workers' transport path (bytes straight to the same pool): the stricter comparison.
   */
  rates: { ceiling: number; ceilingRawPath: number; naive: number; pipeline: number; enqueue: number };
  ratios: { pipelineOverNaive: number; pipelineOverCeiling: number; pipelineOverRawPath: number };
  /** Render once + store in Redis, in ms: the first render of the process, as `newsletter send` does it. */
  publishMs: number;
  /** A second render of the same issue in the same process (warm MJML), in ms. */
  renderWarmMs: number;
  /** Mean µs of `personalise` (splice one recipient's values into html and text) over 20,000 calls. */
  personaliseUs: number;
  /** The same with every link tracked (issue 29): the message's click token signed and spliced into each tracked link. */
  personaliseTracked: { us: number; links: number; tokens: number };
  /** Enqueue (the job's `added` event) to the sink's 250. */
  latency: { p50Ms: number; p99Ms: number; maxMs: number; samples: number };
  redis: {
    /** Measured: used_memory growth per waiting deliver job (same name, data and options). */
    bytesPerWaitingJob: number;
    /** The same, from MEMORY USAGE of the measurement queue's keys (not disturbed by other clients). */
    bytesPerWaitingJobKeys: number;
    /** Highest used_memory during the send minus the baseline before publish. */
    peakBytes: number;
    baselineBytes: number;
    /** Ledger bytes per subscriber: the send's ledger ÷ entries, or a hash-table-sized scratch ledger's, whichever is larger. */
    ledgerBytesPerSubscriber: number;
    /** Subscriber store bytes per subscriber (MEMORY USAGE of the prefix's subscriber keys ÷ N). */
    subscriberBytesPerSubscriber: number;
  };
  workers: { count: number; concurrency: number; maxRssBytes: number; cpuMsPerMessage: number };
  /** CPU ms per message by process, from /proc and INFO cpu: where a 2-core machine's time goes. */
  cpuMsPerMessage: {
    pipelineWorkers: number;
    pipelineSink: number;
    pipelineRedis: number;
    pipelineBench: number;
    ceilingClients: number;
    ceilingSink: number;
    rawPathClients: number;
    rawPathSink: number;
  };
  /** Redis server time per message by command during the send (µs and calls; scripts include the commands they run). */
  redisCommandsPerMessage: Array<{ command: string; calls: number; usec: number }>;
  /** Where the send ran: its queue partitions (one hash tag each) and the Redis CPU per message on each master. */
  redisNodes: { partitions: number; cpuMsPerMessage: Array<{ node: string; ms: number; partitions: number[] }> };
  /**
   * Share of all cores' time (0..1) during each phase: busy on the whole machine, and used by
   * the benchmark's own processes (incl. Redis). A gap means other load disturbed the run.
   */
  utilisation: { ceiling: { machineBusy: number; ours: number }; pipeline: { machineBusy: number; ours: number } };
  /** The nodemailer ceiling's totals over its runs, and every ceiling run (both paths, before and after the pipeline). */
  ceiling: {
    messages: number;
    seconds: number;
    processes: number;
    maxConnections: number;
    concurrency: number;
    runs: Array<{ path: string; when: string; messages: number; seconds: number; rate: number; clientCpuMsPerMessage: number; sinkCpuMsPerMessage: number }>;
  };
  naive: { messages: number; seconds: number; form: string };
  pipeline: { messages: number; seconds: number; state: string; sent: number; failed: number; windowJobs: number };
  /** Computed, not measured: a 1,000,000-subscriber send from the measured per-job/per-entry costs. */
  projection1M: {
    method: 'computed';
    subscribers: number;
    windowJobs: number;
    queueBytes: number;
    ledgerBytes: number;
    renderedBytes: number;
    /** What the send adds on top of the subscriber store: queue window + ledger + rendered issue. */
    sendBytes: number;
    subscriberStoreBytes: number;
    /** sendBytes + subscriberStoreBytes: the whole Redis at the end of a 1M send. */
    totalBytes: number;
  };
  targets: Array<{ name: string; target: string; value: string; met: boolean }>;
}

export function checkTargets(r: Omit<BenchResult, 'targets'>): BenchResult['targets'] {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const busiest = Math.max(0, ...r.redisNodes.cpuMsPerMessage.map((n) => n.ms));
  return [
    { name: 'pipeline / naive', target: '≥ 25', value: r.ratios.pipelineOverNaive.toFixed(1), met: r.ratios.pipelineOverNaive >= 25 },
    // The scale-out issue (#16) raised this one from 0.8 and added the four after it.
    { name: 'pipeline / ceiling', target: '≥ 1.0', value: r.ratios.pipelineOverCeiling.toFixed(2), met: r.ratios.pipelineOverCeiling >= 1 },
    { name: 'pipeline / raw path', target: '≥ 0.6', value: r.ratios.pipelineOverRawPath.toFixed(2), met: r.ratios.pipelineOverRawPath >= 0.6 },
    // A master is single-threaded: the busiest one's CPU per message bounds the send's rate.
    { name: 'Redis CPU per message (busiest master)', target: '≤ 0.150 ms', value: `${busiest.toFixed(3)} ms`, met: busiest <= 0.15 },
    { name: 'worker max RSS', target: '≤ 160 MB', value: mb(r.workers.maxRssBytes), met: r.workers.maxRssBytes <= 160e6 },
    {
      name: 'subscriber store',
      target: '≤ 350 B per subscriber',
      value: `${Math.round(r.redis.subscriberBytesPerSubscriber)} B`,
      met: r.redis.subscriberBytesPerSubscriber <= 350,
    },
    { name: 'pipeline rate', target: '≥ 1,500 msgs/s', value: `${Math.round(r.rates.pipeline)} msgs/s`, met: r.rates.pipeline >= 1500 },
    { name: '1M send, Redis (computed, send only)', target: '< 200 MB', value: mb(r.projection1M.sendBytes), met: r.projection1M.sendBytes < 200e6 },
    { name: 'publish (render once)', target: '< 500 ms', value: `${Math.round(r.publishMs)} ms`, met: r.publishMs < 500 },
  ];
}

export function formatTable(r: BenchResult): string {
  const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const pct = (f: number) => `${Math.round(f * 100)} %`;
  const runsOf = (path: string) =>
    r.ceiling.runs
      .filter((run) => run.path === path)
      .map((run) => `${run.when} ${n(run.rate)}`)
      .join(', ');
  const rows: Array<[string, string]> = [
    ['machine', `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`],
    ['message', `${r.issueId}, ${n(r.messageBytes)} bytes on the wire`],
    [
      'ceiling C (nodemailer blast)',
      `${n(r.rates.ceiling)} msgs/s  (mean of ${runsOf('nodemailer')}; ${r.ceiling.processes} proc × pool ${r.ceiling.maxConnections})`,
    ],
    ["ceiling C_raw (workers' raw path)", `${n(r.rates.ceilingRawPath)} msgs/s  (mean of ${runsOf('raw-path')})`],
    ['naive B (render + sendMail each)', `${n(r.rates.naive, 1)} msgs/s  (${n(r.naive.messages)} msgs, ${r.naive.form})`],
    ['pipeline P', `${n(r.rates.pipeline)} msgs/s  (${n(r.pipeline.messages)} msgs, ${r.workers.count} workers × ${r.workers.concurrency})`],
    ['P / B', n(r.ratios.pipelineOverNaive, 1)],
    ['P / C', n(r.ratios.pipelineOverCeiling, 2)],
    ['P / C_raw', n(r.ratios.pipelineOverRawPath, 2)],
    ['enqueue rate (fan-out)', `${n(r.rates.enqueue)} jobs/s`],
    ['publish (render once + store)', `${n(r.publishMs)} ms first in process · render warm ${n(r.renderWarmMs)} ms`],
    ['personalise one recipient', `${r.personaliseUs.toFixed(1)} µs (token splice, no re-render)`],
    [
      'personalise, clicks tracked',
      `${r.personaliseTracked.us.toFixed(1)} µs (click token signed + spliced into ${r.personaliseTracked.tokens} links, ${r.personaliseTracked.links} distinct)`,
    ],
    ['latency enqueue → 250', `p50 ${n(r.latency.p50Ms)} ms · p99 ${n(r.latency.p99Ms)} ms  (${n(r.latency.samples)} samples)`],
    ['Redis per waiting job', `${n(r.redis.bytesPerWaitingJob)} B (INFO) · ${n(r.redis.bytesPerWaitingJobKeys)} B (MEMORY USAGE)`],
    ['Redis peak during send', `${mb(r.redis.peakBytes)} over baseline`],
    ['ledger per subscriber', `${n(r.redis.ledgerBytesPerSubscriber)} B`],
    ['subscriber store per subscriber', `${n(r.redis.subscriberBytesPerSubscriber)} B`],
    ['worker max RSS', mb(r.workers.maxRssBytes)],
    [
      'CPU per message, pipeline',
      `workers ${n(r.cpuMsPerMessage.pipelineWorkers, 3)} ms · sink ${n(r.cpuMsPerMessage.pipelineSink, 3)} ms · Redis ${n(r.cpuMsPerMessage.pipelineRedis, 3)} ms · bench ${n(r.cpuMsPerMessage.pipelineBench, 3)} ms`,
    ],
    [
      'partitions · Redis CPU per message by master (its partitions)',
      `${r.redisNodes.partitions} · ${r.redisNodes.cpuMsPerMessage.map((x) => `${x.node} (${x.partitions.length ? x.partitions.map((p) => `p${p}`).join(',') : 'none'}) ${n(x.ms, 3)} ms`).join(' · ')}`,
    ],
    [
      'Redis µs per message',
      r.redisCommandsPerMessage
        .slice(0, 5)
        .map((c) => `${c.command} ${n(c.usec, 0)} (${n(c.calls, 1)}×)`)
        .join(' · '),
    ],
    ['CPU per message, ceiling', `blasters ${n(r.cpuMsPerMessage.ceilingClients, 3)} ms · sink ${n(r.cpuMsPerMessage.ceilingSink, 3)} ms`],
    ['CPU per message, C_raw', `blasters ${n(r.cpuMsPerMessage.rawPathClients, 3)} ms · sink ${n(r.cpuMsPerMessage.rawPathSink, 3)} ms`],
    [
      'cores busy (ours / machine)',
      `ceiling ${pct(r.utilisation.ceiling.ours)} / ${pct(r.utilisation.ceiling.machineBusy)} · pipeline ${pct(r.utilisation.pipeline.ours)} / ${pct(r.utilisation.pipeline.machineBusy)}`,
    ],
    [
      '1M send, Redis (computed)',
      `${mb(r.projection1M.sendBytes)} for the send (window ${n(r.projection1M.windowJobs)} jobs ${mb(r.projection1M.queueBytes)} + ledger ${mb(r.projection1M.ledgerBytes)} + issue ${mb(r.projection1M.renderedBytes)}); ${mb(r.projection1M.totalBytes)} with the subscriber store`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const targets = r.targets.map((t) => `  ${t.met ? 'ok  ' : 'MISS'} ${t.name}: ${t.value} (target ${t.target})`);
  return ['', ...lines, '', '  targets:', ...targets, ''].join('\n');
}

/** Value at quantile q (0..1) of an ascending-sorted array, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
