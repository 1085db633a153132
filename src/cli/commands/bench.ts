// `newsletter bench`: ceiling, naive baseline and the pipeline side by side on this machine,
// with real Redis (a fresh key prefix, removed afterwards) and a real SMTP sink process.
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';

function positiveInt(name: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new UserError(`--${name} must be a whole number ≥ 1, got "${raw}"`);
    return value;
  };
}

export function register(program: Command): void {
  const bench = program
    .command('bench')
    .description('measure the send pipeline against a raw SMTP blast and a naive render-per-subscriber loop (real Redis, local SMTP sink)')
    .option('--subscribers <n>', 'subscribers for the pipeline run', positiveInt('subscribers'), 20_000)
    .option('--workers <k>', 'deliver worker processes (default: number of CPU cores)', positiveInt('workers'))
    .option('--naive <n>', 'messages for the naive baseline', positiveInt('naive'), 300)
    .option(
      '--ceiling <n>',
      'messages per ceiling blast; four run: both paths, before and after the pipeline (default: same as --subscribers)',
      positiveInt('ceiling'),
    )
    .option(
      '--partitions <p>',
      'QUEUE_PARTITIONS of the bench deployment (default: 1 on one Redis, the number of masters on a cluster)',
      positiveInt('partitions'),
    )
    .option('--concurrency <n>', 'jobs in flight per worker (default: WORKER_CONCURRENCY)', positiveInt('concurrency'))
    .option('--issue <file>', 'issue file to send', 'emails/issues/pretrain-weekly-064.yaml')
    .option('--out <file>', 'where to write the JSON result', 'bench-result.json')
    .option('--cpu-prof <dir>', 'run the workers with node --cpu-prof, writing .cpuprofile files into DIR')
    .action(
      async (opts: {
        subscribers: number;
        partitions?: number;
        workers?: number;
        naive: number;
        ceiling?: number;
        concurrency?: number;
        issue: string;
        out: string;
        cpuProf?: string;
      }) => {
        const config = loadConfig(readEnvironment());
        // Loaded on use: the benchmark pulls in MJML, BullMQ and the mail stack, which other commands do not need.
        const { runBench } = await import('../../bench/run-bench.ts');
        const { formatTable } = await import('../../bench/result.ts');
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const result = await runBench({
          config,
          issueFile: resolve(opts.issue),
          subscribers: opts.subscribers,
          ...((opts.partitions ?? config.queuePartitions) ? { partitions: opts.partitions ?? config.queuePartitions } : {}),
          workers: opts.workers ?? cpus().length,
          naive: opts.naive,
          ceilingMessages: opts.ceiling ?? opts.subscribers,
          concurrency: opts.concurrency ?? config.workerConcurrency,
          cpuProfDir: opts.cpuProf ? resolve(opts.cpuProf) : undefined,
          log,
        });
        await writeFile(opts.out, `${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(`${formatTable(result)}\n  result written to ${opts.out}\n`);
      },
    );

  bench
    .command('subscribers')
    .description(
      'measure the subscriber store at scale: import and export rates (rows/s, peak RSS) and search latency (p50/p99 per kind) over N generated subscribers (real Redis, a fresh key prefix, removed afterwards)',
    )
    .option('--rows <n>', 'subscribers (rows of the generated CSV)', positiveInt('rows'), 100_000)
    .option('--queries <n>', 'timed searches of each kind', positiveInt('queries'), 300)
    .option(
      '--partitions <p>',
      'QUEUE_PARTITIONS of the bench deployment (default: 1 on one Redis, the number of masters on a cluster)',
      positiveInt('partitions'),
    )
    .option('--out <file>', 'where to write the JSON result', 'bench-subscribers.json')
    .action(async (opts: { rows: number; queries: number; partitions?: number; out: string }, cmd: Command) => {
      // `bench` has --partitions and --out too, and commander gives them to it wherever they
      // stand on the line: take them from there when they were typed.
      const parent = cmd.parent!;
      const typed = <T>(name: string, own: T): T => (parent.getOptionValueSource(name) === 'cli' ? (parent.opts()[name] as T) : own);
      const partitions = typed('partitions', opts.partitions);
      const out = typed('out', opts.out);
      const config = loadConfig(readEnvironment());
      const { runSubscribersBench, formatSubscribersTable } = await import('../../bench/subscribers-bench.ts');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const result = await runSubscribersBench({
        config,
        rows: opts.rows,
        queries: opts.queries,
        ...((partitions ?? config.queuePartitions) ? { partitions: partitions ?? config.queuePartitions } : {}),
        log,
      });
      await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${formatSubscribersTable(result)}\n  result written to ${out}\n`);
    });

  registerStudioBench(bench);
  registerTrackingBench(bench);
}

/**
 * `newsletter bench tracking` (issue 29): tracked-link redirects under load, and a send in a
 * scanner storm, each against a server started for it (real Redis, a fresh key prefix, removed afterwards).
 */
export function registerTrackingBench(bench: Command): void {
  bench
    .command('tracking')
    .description(
      'measure click tracking: redirects/s and latency of tracked links under load (autocannon), and a send of N subscribers without and with a scanner storm clicking every link (real Redis, a fresh key prefix, a server on a free port)',
    )
    .option('--duration <s>', 'seconds of redirect load', positiveInt('duration'), 10)
    .option('--connections <n>', 'concurrent connections of the redirect load', positiveInt('connections'), 100)
    .option('--subscribers <n>', 'subscribers of each send (without and with the storm)', positiveInt('subscribers'), 10_000)
    .option('--out <file>', 'where to write the JSON result', 'bench-tracking.json')
    .action(async (opts: { duration: number; connections: number; subscribers: number; out: string }, cmd: Command) => {
      // `bench` has --subscribers and --out too, and commander gives them to it wherever they
      // stand on the line: take them from there when they were typed.
      const parent = cmd.parent!;
      const typed = <T>(name: string, own: T): T => (parent.getOptionValueSource(name) === 'cli' ? (parent.opts()[name] as T) : own);
      const out = typed('out', opts.out);
      const subscribers = typed('subscribers', opts.subscribers);
      const { runTrackingBench } = await import('../../bench/tracking-bench.ts');
      const { startServer } = await import('../../server/server.ts');
      const { formatTrackingTable } = await import('../../bench/tracking-result.ts');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const result = await runTrackingBench({ connections: opts.connections, durationSeconds: opts.duration, subscribers, startServer, log });
      await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${formatTrackingTable(result)}\n\n  result written to ${out}\n`);
    });
}

/**
 * `newsletter bench studio`: a server on a free loopback port (a fresh key prefix, a copy of
 * emails/, its own admin token), then runStudioBench over HTTP; everything removed afterwards.
 */
export function registerStudioBench(bench: Command): void {
  bench
    .command('studio')
    .description(
      'measure the studio: time from an edit to the new preview (the panel, then its frame) for the model issue, p50/p99 over N edits, over HTTP against a server started for it (real Redis, a fresh key prefix, a copy of emails/)',
    )
    .option('--edits <n>', 'edits to time', positiveInt('edits'), 200)
    .option('--issue <id>', 'the issue to edit', 'pretrain-weekly-064')
    .option('--out <file>', 'where to write the JSON result', 'bench-studio.json')
    .action(async (opts: { edits: number; issue: string; out: string }, cmd: Command) => {
      const parent = cmd.parent!;
      const out = parent.getOptionValueSource('out') === 'cli' ? (parent.opts().out as string) : opts.out;
      const { randomBytes } = await import('node:crypto');
      const { cp, mkdtemp, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { startServer } = await import('../../server/server.ts');
      const { createLogger } = await import('../../logging/logger.ts');
      const { createRedis } = await import('../../redis/connection.ts');
      const { deleteDeploymentKeys } = await import('../../redis/delete-by-prefix.ts');
      const { runStudioBench, formatStudioTable } = await import('../../bench/studio-bench.ts');
      const base = loadConfig(readEnvironment());
      const dir = await mkdtemp(join(tmpdir(), 'bench-studio-'));
      await cp(base.emailsDir, join(dir, 'emails'), { recursive: true });
      const adminToken = randomBytes(24).toString('base64url');
      const config = loadConfig({
        ...readEnvironment(),
        KEY_PREFIX: `{bench-studio-${randomBytes(4).toString('hex')}}`,
        EMAILS_DIR: join(dir, 'emails'),
        ADMIN_TOKEN: adminToken,
        SECRET: randomBytes(32).toString('base64url'),
        METRICS_TOKEN: randomBytes(24).toString('base64url'),
        PUBLIC_URL: 'http://127.0.0.1',
        LOG_LEVEL: 'warn',
      });
      const server = await startServer(config, { port: 0, host: '127.0.0.1', handleSignals: false, logger: createLogger({ level: 'warn' }) });
      const log = (line: string) => process.stderr.write(`${line}\n`);
      try {
        const result = await runStudioBench({ baseUrl: server.url, adminToken, emailsDir: join(dir, 'emails'), issueId: opts.issue, edits: opts.edits, log });
        await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(`${formatStudioTable(result)}\n\n  result written to ${out}\n`);
      } finally {
        await server.close();
        const redis = createRedis(config, { name: 'bench-studio-cleanup' });
        await deleteDeploymentKeys(redis, config.keyPrefix).finally(() => redis.quit());
        await rm(dir, { recursive: true, force: true });
      }
    });
}
