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
}
