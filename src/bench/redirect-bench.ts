// Part one of `bench tracking`: tracked-link redirects under load. A made-up campaign's link
// table is saved as a list send saves it, one valid click token is signed per reader (sent an
// hour ago: a click within the machine window after sending would count as a machine's), and
// the load generator follows them with a browser's user agent at N connections for a duration.
// Afterwards the clicks are committed and read back as a report reads them: each redirect the
// server answered must be counted once, as a person's or (the burst rule) a machine's.
import { BURST_WINDOW_MS, ClickStore } from '../reports/click-store.ts';
import { clickTokenSigner } from '../reports/click-token.ts';
import { createRedis } from '../redis/connection.ts';
import { keys } from '../redis/keys.ts';
import type { BenchServer } from './bench-server.ts';
import { redisCpuMsByNode } from './redis-info.ts';
import { countRedirects } from './redirect-counter.ts';
import { runRedirectLoad } from './redirect-load.ts';
import type { RedirectLoadFigures } from './redirect-load-protocol.ts';

export const BROWSER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CAMPAIGN = 'bench-clicks';
const LINKS = 30;
const READERS = 20_000;
const SENT_AGO_MS = 60 * 60 * 1000;

const sumOf = (byNode: Map<string, number>) => [...byNode.values()].reduce((a, b) => a + b, 0);

export interface RedirectBenchResult {
  campaignId: string;
  links: number;
  readers: number;
  connections: number;
  durationSeconds: number;
  load: RedirectLoadFigures;
  /** Every answer that was not a redirect (by status, plus client errors and timeouts): must be 0. */
  non3xx: number;
  /**
   * Tracked-link requests the server received (its own count; each must be counted as one
   * click), of which answered with a 302, and closed otherwise (cut off by the client's stop).
   */
  server: { requests: number; redirects: number; closedOtherwise: number };
  /**
   * CPU per tracked-link request received, in µs: the server's process (the bench process; it
   * does nothing else meanwhile) and the Redis server (INFO; other clients of a shared Redis add
   * to it). Steadier than the rate on a machine whose other load comes and goes.
   */
  cpuUsPerRequest: { server: number; redis: number };
  /** ClickStore.counts() after the run, committed. */
  counted: { human: number; humanUnique: number; machine: number; total: number };
}

export async function runRedirectBench(
  deployment: BenchServer,
  opts: { connections: number; durationSeconds: number; log: (line: string) => void },
): Promise<RedirectBenchResult> {
  const { config, server } = deployment;
  const redis = createRedis(config, { name: 'bench-tracking' });
  const counter = countRedirects(server.app.server);
  try {
    const clicks = new ClickStore(redis, keys(config.keyPrefix));
    await clicks.saveLinks(
      CAMPAIGN,
      Array.from({ length: LINKS }, (_, i) => `https://example.com/bench/article-${i + 1}`),
    );
    const sign = clickTokenSigner(config.secrets, CAMPAIGN);
    const sentAt = Date.now() - SENT_AGO_MS;
    const tokens = Array.from({ length: READERS }, (_, i) => sign(String(i + 1), sentAt));
    opts.log(
      `bench tracking: redirects, ${opts.connections} connections for ${opts.durationSeconds} s (${LINKS} links, ${READERS.toLocaleString('en-US')} readers)`,
    );
    const redisCpuBefore = sumOf(await redisCpuMsByNode(redis));
    const serverCpuBefore = process.cpuUsage();
    const load = await runRedirectLoad({
      baseUrl: server.url,
      campaignId: CAMPAIGN,
      links: LINKS,
      tokens,
      userAgent: BROWSER_AGENT,
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
    });
    await counter.settled();
    const serverCpu = process.cpuUsage(serverCpuBefore);
    const redisCpuMs = sumOf(await redisCpuMsByNode(redis)) - redisCpuBefore;
    const perRequest = (ms: number) => Math.round((ms * 1000) / Math.max(1, counter.requests));
    // A person's click is held for the burst rule's two seconds; past them every one is due.
    await new Promise((r) => setTimeout(r, BURST_WINDOW_MS + 200));
    const counts = await clicks.counts(CAMPAIGN);
    const s = load.status;
    return {
      campaignId: CAMPAIGN,
      links: LINKS,
      readers: READERS,
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
      load,
      non3xx: s['1xx'] + s['2xx'] + s['4xx'] + s['5xx'] + load.errors + load.timeouts,
      server: { requests: counter.requests, redirects: counter.redirects, closedOtherwise: counter.others },
      cpuUsPerRequest: { server: perRequest((serverCpu.user + serverCpu.system) / 1000), redis: perRequest(redisCpuMs) },
      counted: { human: counts.human, humanUnique: counts.humanUnique, machine: counts.machine, total: counts.human + counts.machine },
    };
  } finally {
    counter.stop();
    redis.disconnect();
  }
}
