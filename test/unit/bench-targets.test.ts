// The bench's target lines: each figure is compared with its own threshold, at the boundary
// both ways, and the Redis line reads the busiest master, not the sum or the first.
import { describe, expect, it } from 'vitest';
import { checkTargets, formatTable, type BenchResult } from '../../src/bench/result.ts';

type Figures = Omit<BenchResult, 'targets'>;

/** A result that meets every target exactly at its threshold. */
function atThresholds(): Figures {
  return {
    startedAt: '2026-12-03T00:00:00.000Z',
    finishedAt: '2026-12-03T00:01:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', node: process.version, platform: 'linux', totalMemBytes: 1 },
    issueId: 'pretrain-weekly-064',
    subscribers: 10_000,
    messageBytes: 73_487,
    rates: { ceiling: 1_500, ceilingRawPath: 2_500, naive: 60, pipeline: 1_500, enqueue: 10_000 },
    ratios: { pipelineOverNaive: 25, pipelineOverCeiling: 1, pipelineOverRawPath: 0.6 },
    publishMs: 499,
    renderWarmMs: 100,
    personaliseUs: 2,
    personaliseTracked: { us: 4, links: 20, tokens: 57 },
    latency: { p50Ms: 1, p99Ms: 2, maxMs: 3, samples: 10_000 },
    redis: {
      bytesPerWaitingJob: 900,
      bytesPerWaitingJobKeys: 800,
      peakBytes: 1,
      baselineBytes: 1,
      ledgerBytesPerSubscriber: 68,
      subscriberBytesPerSubscriber: 350,
    },
    workers: { count: 2, concurrency: 32, maxRssBytes: 160e6, cpuMsPerMessage: 0.6 },
    cpuMsPerMessage: {
      pipelineWorkers: 0.6,
      pipelineSink: 0.2,
      pipelineRedis: 0.15,
      pipelineBench: 0.03,
      ceilingClients: 0.7,
      ceilingSink: 0.2,
      rawPathClients: 0.2,
      rawPathSink: 0.2,
    },
    redisCommandsPerMessage: [],
    redisNodes: { partitions: 1, cpuMsPerMessage: [{ node: 'a:1', ms: 0.15, partitions: [0] }] },
    utilisation: { ceiling: { machineBusy: 0.9, ours: 0.9 }, pipeline: { machineBusy: 0.9, ours: 0.9 } },
    ceiling: { messages: 1, seconds: 1, processes: 2, maxConnections: 16, concurrency: 32, runs: [] },
    naive: { messages: 1, seconds: 1, form: 'test' },
    pipeline: { messages: 10_000, seconds: 1, state: 'done', sent: 10_000, failed: 0, windowJobs: 10_000 },
    projection1M: {
      method: 'computed',
      subscribers: 1e6,
      windowJobs: 1,
      queueBytes: 1,
      ledgerBytes: 1,
      renderedBytes: 1,
      sendBytes: 199e6,
      subscriberStoreBytes: 1,
      totalBytes: 1,
    },
  };
}

const missed = (r: Figures) =>
  checkTargets(r)
    .filter((t) => !t.met)
    .map((t) => t.name);

describe('bench targets', () => {
  it('are all met exactly at their thresholds', () => {
    expect(missed(atThresholds())).toEqual([]);
  });

  it.each([
    [
      'pipeline / ceiling',
      (r: Figures) => {
        r.ratios.pipelineOverCeiling = 0.99;
      },
    ],
    [
      'pipeline / raw path',
      (r: Figures) => {
        r.ratios.pipelineOverRawPath = 0.59;
      },
    ],
    [
      'worker max RSS',
      (r: Figures) => {
        r.workers.maxRssBytes = 160e6 + 1;
      },
    ],
    [
      'subscriber store',
      (r: Figures) => {
        r.redis.subscriberBytesPerSubscriber = 351;
      },
    ],
    [
      'pipeline rate',
      (r: Figures) => {
        r.rates.pipeline = 1_499;
      },
    ],
  ])('%s is missed just past its threshold, and nothing else is', (name, spoil) => {
    const r = atThresholds();
    spoil(r);
    expect(missed(r)).toEqual([name]);
  });

  it('judges Redis CPU by the busiest master: one shard over the bound is a miss, three under it are not', () => {
    const r = atThresholds();
    r.redisNodes = {
      partitions: 3,
      cpuMsPerMessage: [
        { node: 'a:1', ms: 0.1, partitions: [0] },
        { node: 'b:2', ms: 0.151, partitions: [1] },
        { node: 'c:3', ms: 0.1, partitions: [2] },
      ],
    };
    expect(missed(r)).toEqual(['Redis CPU per message (busiest master)']);
    r.redisNodes.cpuMsPerMessage[1]!.ms = 0.15;
    // 0.35 ms summed over the masters, but each is within its bound.
    expect(missed(r)).toEqual([]);
  });

  it('prints each target with its value, MISS where missed', () => {
    const r = atThresholds();
    r.workers.maxRssBytes = 170.5e6;
    const table = formatTable({ ...r, targets: checkTargets(r) });
    expect(table).toContain('  MISS worker max RSS: 170.5 MB (target ≤ 160 MB)');
    expect(table).toContain('  ok   pipeline / raw path: 0.60 (target ≥ 0.6)');
    expect(table).toContain('  ok   Redis CPU per message (busiest master): 0.150 ms (target ≤ 0.150 ms)');
  });
});
