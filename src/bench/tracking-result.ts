// The result of `bench tracking` (written as JSON), its targets (issue 29) and its table.
import type { MachineInfo } from './result.ts';
import type { RedirectBenchResult } from './redirect-bench.ts';
import type { StormBenchResult } from './storm-bench.ts';

export const REDIRECTS_PER_SECOND_TARGET = 5_000;
export const REDIRECT_P99_TARGET_MS = 20;

export interface TrackingBenchResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  /** How the server logged during the run: serve's logger at LOG_LEVEL, into a file. */
  logging: { level: string; destination: 'file'; lines: number };
  redirects: RedirectBenchResult;
  storm: StormBenchResult;
  targets: Array<{ name: string; ok: boolean; value: string; target: string }>;
}

export function trackingTargets(r: RedirectBenchResult, storm: StormBenchResult): TrackingBenchResult['targets'] {
  const rate = Math.round(r.load.requestsPerSecondMean);
  return [
    {
      name: 'redirects per second (mean)',
      ok: rate >= REDIRECTS_PER_SECOND_TARGET,
      value: rate.toLocaleString('en-US'),
      target: `≥ ${REDIRECTS_PER_SECOND_TARGET.toLocaleString('en-US')}`,
    },
    {
      name: 'redirect latency p99',
      ok: r.load.latencyMs.p99 <= REDIRECT_P99_TARGET_MS,
      value: `${r.load.latencyMs.p99} ms`,
      target: `≤ ${REDIRECT_P99_TARGET_MS} ms`,
    },
    { name: 'answers other than a redirect', ok: r.non3xx === 0, value: String(r.non3xx), target: '0' },
    {
      name: 'clicks counted = tracked-link requests received',
      ok: r.counted.total === r.server.requests,
      value: `${r.counted.total} / ${r.server.requests}`,
      target: 'equal',
    },
    {
      name: "storm clicks all counted a machine's",
      ok: storm.allMachine,
      value: `people ${storm.counted.human}, machines ${storm.counted.machine} of ${storm.clicks.made} made`,
      target: 'people 0, machines = made',
    },
  ];
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatTrackingTable(r: TrackingBenchResult): string {
  const d = r.redirects;
  const lines = [
    `bench tracking: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}; server log at ${r.logging.level} to a file (${n(r.logging.lines)} lines)`,
    '',
    `  redirects            ${d.connections} connections × ${d.durationSeconds} s, ${d.links} links, ${n(d.readers)} readers`,
    `    rate (mean)        ${n(d.load.requestsPerSecondMean)} redirects/s (${n(d.load.sent)} sent, ${n(d.load.completed)} answered in time)`,
    `    latency            p50 ${d.load.latencyMs.p50} ms · p99 ${d.load.latencyMs.p99} ms · max ${d.load.latencyMs.max} ms`,
    `    CPU per redirect   server ${d.cpuUsPerRequest.server} µs · Redis ${d.cpuUsPerRequest.redis} µs`,
    `    non-3xx            ${d.non3xx}`,
    `    clicks counted     ${n(d.counted.total)} (people ${n(d.counted.human)}, machines ${n(d.counted.machine)}) of ${n(d.server.requests)} requests the server received`,
  ];
  {
    const s = r.storm;
    lines.push(
      '',
      `  scanner storm        ${n(s.subscribers)} subscribers, ${s.workers} workers, ${s.linksPerMessage} links a message, each followed by a scanner and a browser within ${s.clickWithinSeconds} s`,
      `    send rate          quiet ${n(s.quiet.rate)} msgs/s · in the storm ${n(s.stormy.rate)} msgs/s (ratio ${s.rateRatio.toFixed(2)})`,
      `    storm clicks       ${n(s.clicks.made)} made at ${n(s.clicks.perSecond)}/s (latest ${(s.clicks.maxDelayMs / 1000).toFixed(1)} s after delivery); ${n(s.clicks.late)} dropped (window nearly over), ${s.clicks.failed} failed, ${s.clicks.non3xx} non-3xx`,
      `    counted            people ${n(s.counted.human)}, machines ${n(s.counted.machine)}: ${s.allMachine ? 'all machine ✓' : 'NOT all machine ✗'}`,
    );
  }
  lines.push('', '  targets:', ...r.targets.map((x) => `  ${x.ok ? 'ok  ' : 'MISS'} ${x.name}: ${x.value} (target ${x.target})`));
  return lines.join('\n');
}
