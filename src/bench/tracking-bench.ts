// `newsletter bench tracking` (issue 29): what click tracking costs and whether it holds up.
// Part one, tracked-link redirects under load against the server `serve` runs (redirect-bench.ts);
// part two, a send of N subscribers without and with a scanner storm following every message's
// links (storm-bench.ts). Each part runs on its own deployment (a fresh key prefix, deleted at
// the end, its own server); the server's log goes to a file, whose lines are counted here.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeBenchServers, type StartServer, startBenchServer } from './bench-server.ts';
import { runRedirectBench } from './redirect-bench.ts';
import { killAllNow, stopAll } from './children.ts';
import { machineInfo } from './result.ts';
import { runStormBench } from './storm-bench.ts';
import { type TrackingBenchResult, trackingTargets } from './tracking-result.ts';

export interface TrackingBenchOptions {
  connections: number;
  durationSeconds: number;
  subscribers: number;
  /** The issue each send sends; its newsletter must track clicks. */
  issueFile?: string;
  startServer: StartServer;
  log: (line: string) => void;
}

async function linesIn(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

export async function runTrackingBench(o: TrackingBenchOptions): Promise<TrackingBenchResult> {
  const startedAt = new Date().toISOString();
  const dir = await mkdtemp(join(tmpdir(), 'bench-tracking-'));
  // Whatever way this process ends, no load generator, worker or sink outlives it; on Ctrl-C
  // the servers close too and their keys are deleted.
  process.once('exit', killAllNow);
  const onSignal = (signal: NodeJS.Signals) => {
    o.log(`\n${signal}: stopping the children and servers, deleting their keys …`);
    void stopAll(3_000)
      .then(closeBenchServers)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const logFile = join(dir, 'redirects-server.log');
    const deployment = await startBenchServer({ name: 'tracking', logFile, startServer: o.startServer });
    let redirects: TrackingBenchResult['redirects'];
    try {
      redirects = await runRedirectBench(deployment, { connections: o.connections, durationSeconds: o.durationSeconds, log: o.log });
    } finally {
      await deployment.close();
    }
    const storm = await runStormBench({
      issueFile: resolve(o.issueFile ?? 'emails/issues/pretrain-weekly-064.yaml'),
      subscribers: o.subscribers,
      connections: o.connections,
      startServer: o.startServer,
      logDir: dir,
      log: o.log,
    });
    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo(),
      logging: { level: deployment.config.logLevel, destination: 'file', lines: await linesIn(logFile) },
      redirects,
      storm,
      targets: trackingTargets(redirects, storm),
    };
  } finally {
    process.off('exit', killAllNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(dir, { recursive: true, force: true });
  }
}
