// `newsletter bench subscribers`: the subscriber store at the size of a real list, on this
// machine, with real Redis under a fresh key prefix (deleted at the end). Writes a deterministic
// CSV of N rows (subscriber-csv.ts), imports it with `newsletter subscribers import --confirmed`
// as an operator runs it (a child process: its wall time, its peak RSS from /proc, its CPU and
// Redis's per row), exports it with `newsletter subscribers export --out` (the same), measures
// the memory of the store and of its search indexes (MEMORY USAGE), then times prefix searches
// of each kind drawn from the rows themselves (a console page of 50, kinds interleaved).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { createRedis, requireRedis } from '../redis/connection.ts';
import { deleteDeploymentKeys } from '../redis/delete-by-prefix.ts';
import { resolvePartitions } from '../redis/partitions.ts';
import { plural } from '../render/locales/format.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import type { SearchKind } from '../subscribers/search.ts';
import { SUBSCRIBER_STATUSES } from '../subscribers/types.ts';
import { entryBeside, killAllNow, spawnEntry, stopAll } from './children.ts';
import { readProcStats } from './proc-stats.ts';
import { keysMemory, redisCpuMsByNode } from './redis-info.ts';
import { type MachineInfo, machineInfo, quantile } from './result.ts';
import { prng, writeSubscriberCsv, type CsvRow } from './subscriber-csv.ts';

export interface SubscribersBenchOptions {
  config: Readonly<Config>;
  rows: number;
  /** Searches per kind. */
  queries: number;
  partitions?: number;
  log: (line: string) => void;
}

export const SEARCH_BENCH_KINDS = ['local', 'domain', 'name', 'auto'] as const satisfies readonly SearchKind[];
/** Subscribers per page of the timed searches (a console page). */
export const SEARCH_PAGE = 50;

export interface ProcessRun {
  seconds: number;
  rowsPerSecond: number;
  /** Peak resident set of the child process (VmHWM, read every 50 ms until it exits). */
  peakRssBytes: number;
  /** CPU of the child process (user + system) per row. */
  cpuUsPerRow: number;
  /** CPU of the Redis server(s) per row during the run (every client's work counts). */
  redisCpuUsPerRow: number;
}

export interface SearchLatency {
  queries: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean of the searches' `count`. */
  meanMatches: number;
  /** Share of the searches whose count was exact. */
  exactCounts: number;
}

export interface SubscribersBenchResult {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  rows: number;
  partitions: number;
  csvBytes: number;
  /** `newsletter subscribers import FILE --confirmed`, whole process (start-up included). */
  import: ProcessRun & { imported: number };
  /** `newsletter subscribers export --out FILE`, whole process. */
  export: ProcessRun & { bytes: number };
  memory: {
    /** Records, address index, list bitmaps and counters (MEMORY USAGE of `:sub*` and `:list:*`) per subscriber. */
    storeBytesPerSubscriber: number;
    /** The three search indexes (`:search:*`) per subscriber. */
    searchBytesPerSubscriber: number;
    searchBytesByIndex: { local: number; domain: number; name: number };
  };
  /** Prefix searches drawn from the rows, SEARCH_PAGE per page, by kind. */
  search: Record<(typeof SEARCH_BENCH_KINDS)[number], SearchLatency>;
  targets: Array<{ name: string; target: string; value: string; met: boolean }>;
}

/** Runs a CLI command in a child process; wall time, peak RSS and CPU from /proc while it runs. */
async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssBytes: number; cpuMs: number; stdout: string }> {
  // As bin/newsletter.js starts the CLI (its node flag included).
  const child = spawnEntry(entryBeside('../cli/main.ts', import.meta.url), { args, env, nodeArgs: ['--max-semi-space-size=2'], output: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const start = performance.now();
  let peakRssBytes = 0;
  let cpuMs = 0;
  const sample = async () => {
    const s = child.pid ? await readProcStats(child.pid) : null;
    if (s) {
      peakRssBytes = Math.max(peakRssBytes, s.maxRssBytes);
      cpuMs = Math.max(cpuMs, s.cpuMs);
    }
  };
  const timer = setInterval(() => void sample(), 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  if (code !== 0) throw new Error(`bench: \`newsletter ${args.join(' ')}\` exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return { seconds, peakRssBytes, cpuMs, stdout };
}

async function redisCpuMs(redis: Parameters<typeof redisCpuMsByNode>[0]): Promise<number> {
  return [...(await redisCpuMsByNode(redis)).values()].reduce((a, b) => a + b, 0);
}

/** The first `n` code points of `s`. */
const head = (s: string, n: number) => Array.from(s).slice(0, n).join('');

/** A search text of the kind, as someone types the start of what they remember. */
function textFor(kind: (typeof SEARCH_BENCH_KINDS)[number], row: CsvRow, rand: () => number): string {
  const [local, domain] = row.email.split('@') as [string, string];
  const length = 1 + Math.floor(rand() * 4);
  switch (kind) {
    case 'local':
      return head(local, length);
    case 'domain':
      return head(domain, length + 1);
    case 'name':
      return head(row.name, length);
    case 'auto':
      // A local part's start, or local@domain's.
      return rand() < 0.5 ? head(local, length + 1) : `${head(local, length)}@${head(domain, 2)}`;
  }
}

export async function runSubscribersBench(o: SubscribersBenchOptions): Promise<SubscribersBenchResult> {
  const { config, log } = o;
  const startedAt = new Date().toISOString();
  await requireRedis(config);
  const prefix = `{bench-${randomBytes(4).toString('hex')}}`;
  const redis = createRedis(config, { name: 'bench-subscribers' });
  const dir = await mkdtemp(join(tmpdir(), 'nl-bench-subscribers-'));
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await stopAll(2_000).catch(() => {});
      await deleteDeploymentKeys(redis, prefix).catch((e: Error) => log(`could not delete ${prefix}* from Redis: ${e.message}`));
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      redis.disconnect();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping, deleting ${prefix}* …`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllNow);

  try {
    const parts = await resolvePartitions(redis, prefix, o.partitions);
    const csv = join(dir, 'subscribers.csv');
    log(
      `bench subscribers: Redis prefix ${prefix} (${parts.count} ${plural('en', parts.count, { one: 'partition', other: 'partitions' })}); writing ${o.rows.toLocaleString('en-US')} rows to ${csv}`,
    );
    // The rows the searches start from, chosen before the file is written (seeded: the same every run).
    const pick = prng(26);
    const kinds = SEARCH_BENCH_KINDS;
    const wanted = new Map<number, number>(); // row index → how many queries start from it
    for (let i = 0; i < o.queries * kinds.length * 2; i++) {
      const row = Math.floor(pick() * o.rows);
      wanted.set(row, (wanted.get(row) ?? 0) + 1);
    }
    const sampled: CsvRow[] = [];
    await writeSubscriberCsv(csv, o.rows, {
      onRow: (row, i) => {
        for (let n = wanted.get(i) ?? 0; n > 0; n--) sampled.push(row);
      },
    });
    // Rows in file order; the searches take them in a shuffled order.
    for (let i = sampled.length - 1; i > 0; i--) {
      const j = Math.floor(pick() * (i + 1));
      [sampled[i], sampled[j]] = [sampled[j]!, sampled[i]!];
    }
    const csvBytes = (await stat(csv)).size;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: config.redisUrl,
      REDIS_CLUSTER: config.redisCluster ? 'true' : 'false',
      KEY_PREFIX: prefix,
      QUEUE_PARTITIONS: String(parts.count),
      LOG_LEVEL: 'warn',
    };
    log(`bench subscribers: importing (newsletter subscribers import --confirmed)`);
    let redisBefore = await redisCpuMs(redis);
    const imported = await runCli(['subscribers', 'import', csv, '--confirmed'], env);
    const importRedisMs = (await redisCpuMs(redis)) - redisBefore;
    const store = new RedisSubscriberStore(redis, parts);
    const counts = await store.countByStatus(null);
    const total = SUBSCRIBER_STATUSES.reduce((sum, s) => sum + counts[s], 0);
    if (total !== o.rows) throw new Error(`bench: ${o.rows} rows imported as ${total} subscribers (${imported.stdout.trim()})`);

    log('bench subscribers: measuring memory (MEMORY USAGE)');
    let storeBytes = 0;
    const byIndex = { local: 0, domain: 0, name: 0 };
    for (const pk of parts.keys) {
      storeBytes += (await keysMemory(redis, `${pk.prefix}:sub*`)).bytes + (await keysMemory(redis, `${pk.prefix}:list:*`)).bytes;
      byIndex.local += (await keysMemory(redis, pk.searchLocal())).bytes;
      byIndex.domain += (await keysMemory(redis, pk.searchDomain())).bytes;
      byIndex.name += (await keysMemory(redis, pk.searchName())).bytes;
    }

    log('bench subscribers: exporting (newsletter subscribers export --out)');
    const exportFile = join(dir, 'export.csv');
    redisBefore = await redisCpuMs(redis);
    const exported = await runCli(['subscribers', 'export', '--out', exportFile], env);
    const exportRedisMs = (await redisCpuMs(redis)) - redisBefore;
    const exportBytes = (await stat(exportFile)).size;
    await rm(exportFile, { force: true });

    log(`bench subscribers: ${o.queries} searches of each kind (${kinds.join(', ')}), ${SEARCH_PAGE} per page`);
    const rand = prng(64);
    const texts = kinds.map((kind) =>
      sampled
        .filter((row) => kind !== 'name' || row.name !== '')
        .slice(0, o.queries * 2)
        .map((row) => textFor(kind, row, rand))
        .slice(0, o.queries),
    );
    // A few untimed first: connections, scripts and code paths warm.
    for (let i = 0; i < 5; i++)
      for (const [k, kind] of kinds.entries()) await store.search({ text: texts[k]![i % texts[k]!.length] ?? 'a', kind, limit: SEARCH_PAGE });
    const times = kinds.map(() => [] as number[]);
    const matches = kinds.map(() => 0);
    const exact = kinds.map(() => 0);
    for (let i = 0; i < o.queries; i++) {
      for (const [k, kind] of kinds.entries()) {
        const text = texts[k]![i];
        if (text === undefined) continue;
        const t0 = performance.now();
        const page = await store.search({ text, kind, limit: SEARCH_PAGE });
        times[k]!.push(performance.now() - t0);
        matches[k]! += page.count;
        if (page.countIsExact) exact[k]!++;
      }
    }
    const latency = (k: number): SearchLatency => {
      const sorted = Float64Array.from(times[k]!).sort();
      const n = Math.max(1, sorted.length);
      return {
        queries: sorted.length,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted[sorted.length - 1] ?? 0,
        meanMatches: matches[k]! / n,
        exactCounts: exact[k]! / n,
      };
    };
    const search = Object.fromEntries(kinds.map((kind, k) => [kind, latency(k)])) as SubscribersBenchResult['search'];

    const run = (r: Awaited<ReturnType<typeof runCli>>, redisMs: number): ProcessRun => ({
      seconds: r.seconds,
      rowsPerSecond: o.rows / r.seconds,
      peakRssBytes: r.peakRssBytes,
      cpuUsPerRow: (r.cpuMs * 1000) / o.rows,
      redisCpuUsPerRow: (redisMs * 1000) / o.rows,
    });
    const searchBytes = byIndex.local + byIndex.domain + byIndex.name;
    const partial: Omit<SubscribersBenchResult, 'targets'> = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo(),
      rows: o.rows,
      partitions: parts.count,
      csvBytes,
      import: { ...run(imported, importRedisMs), imported: total },
      export: { ...run(exported, exportRedisMs), bytes: exportBytes },
      memory: { storeBytesPerSubscriber: storeBytes / o.rows, searchBytesPerSubscriber: searchBytes / o.rows, searchBytesByIndex: byIndex },
      search,
    };
    return { ...partial, targets: checkSubscriberTargets(partial) };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** The targets of issue #26 for the subscriber store at scale. */
export function checkSubscriberTargets(r: Omit<SubscribersBenchResult, 'targets'>): SubscribersBenchResult['targets'] {
  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  return [
    {
      name: 'import rate (--confirmed)',
      target: '≥ 30,000 rows/s',
      value: `${Math.round(r.import.rowsPerSecond).toLocaleString('en-US')} rows/s`,
      met: r.import.rowsPerSecond >= 30_000,
    },
    { name: 'import peak RSS', target: '≤ 300 MB', value: mb(r.import.peakRssBytes), met: r.import.peakRssBytes <= 300e6 },
    ...(['local', 'domain', 'name'] as const).map((kind) => ({
      name: `search p99 (${kind})`,
      target: '≤ 200 ms',
      value: `${r.search[kind].p99Ms.toFixed(1)} ms`,
      met: r.search[kind].p99Ms <= 200,
    })),
  ];
}

export function formatSubscribersTable(r: SubscribersBenchResult): string {
  const n = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const proc = (p: ProcessRun) =>
    `${n(p.rowsPerSecond)} rows/s (${n(p.seconds, 1)} s) · peak RSS ${mb(p.peakRssBytes)} · CPU ${n(p.cpuUsPerRow, 1)} µs/row · Redis ${n(p.redisCpuUsPerRow, 1)} µs/row`;
  const rows: Array<[string, string]> = [
    ['machine', `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`],
    ['subscribers', `${n(r.rows)} (CSV ${mb(r.csvBytes)}), ${r.partitions} ${plural('en', r.partitions, { one: 'partition', other: 'partitions' })}`],
    ['import --confirmed', proc(r.import)],
    ['export', proc(r.export)],
    ['store per subscriber', `${n(r.memory.storeBytesPerSubscriber)} B (records, address index, bitmaps, counters)`],
    [
      'search indexes per subscriber',
      `${n(r.memory.searchBytesPerSubscriber)} B (local ${n(r.memory.searchBytesByIndex.local / r.rows)} · domain ${n(r.memory.searchBytesByIndex.domain / r.rows)} · name ${n(r.memory.searchBytesByIndex.name / r.rows)})`,
    ],
    ...SEARCH_BENCH_KINDS.map((kind): [string, string] => {
      const s = r.search[kind];
      return [
        `search ${kind}`,
        `p50 ${n(s.p50Ms, 1)} ms · p99 ${n(s.p99Ms, 1)} ms · max ${n(s.maxMs, 1)} ms (${n(s.queries)} queries, ${n(s.meanMatches)} matches on average, ${Math.round(s.exactCounts * 100)} % counted exactly)`,
      ];
    }),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const targets = r.targets.map((t) => `  ${t.met ? 'ok  ' : 'MISS'} ${t.name}: ${t.value} (target ${t.target})`);
  return ['', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), '', '  targets:', ...targets, ''].join('\n');
}
