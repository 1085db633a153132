// Prometheus metrics with prom-client, one registry per process. Each process counts what
// happens in it (serve: subscribes, confirmations, unsubscribes; a worker: SMTP latency) next
// to Node's default process metrics; figures every process shares (messages per newsletter,
// subscribers, queue depths) are read from Redis when scraped, by collectors the server adds.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  subscribes: Counter<'newsletter'>;
  confirmations: Counter<'newsletter'>;
  unsubscribes: Counter<'newsletter' | 'how'>;
  /**
   * Adds to `unsubscribes`, at each scrape, totals another process keeps (in Redis): the
   * unsubscribes by mail that `bounces ingest` applies. `read` gives each label set's total so far.
   */
  addUnsubscribeSource(read: () => Promise<Array<[{ newsletter: string; how: string }, number]>>): void;
  /** Seconds from handing a message to SMTP to the server's reply, by outcome. */
  smtpLatency: Histogram<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'newsletter_' });
  const unsubscribeSources: Array<() => Promise<Array<[{ newsletter: string; how: string }, number]>>> = [];
  /** What each source's label set has added so far: the counter goes up by the difference. */
  const added = new Map<string, number>();
  return {
    registry,
    addUnsubscribeSource: (read) => void unsubscribeSources.push(read),
    subscribes: new Counter({
      name: 'newsletter_subscribes_total',
      help: 'Subscribe requests accepted by the form or API (before confirmation).',
      labelNames: ['newsletter'],
      registers: [registry],
    }),
    confirmations: new Counter({
      name: 'newsletter_confirmations_total',
      help: 'Double opt-in confirmations (first click of a link).',
      labelNames: ['newsletter'],
      registers: [registry],
    }),
    unsubscribes: new Counter({
      name: 'newsletter_unsubscribes_total',
      help: 'Unsubscribes, by how (one-click, page, mailto).',
      labelNames: ['newsletter', 'how'],
      registers: [registry],
      async collect() {
        for (const read of unsubscribeSources) {
          for (const [labels, total] of await read()) {
            const key = `${labels.newsletter}\n${labels.how}`;
            const before = added.get(key) ?? 0;
            if (total > before) this.inc(labels, total - before);
            added.set(key, Math.max(before, total));
          }
        }
      },
    }),
    smtpLatency: new Histogram({
      name: 'newsletter_smtp_latency_seconds',
      help: 'Time from handing a message to the SMTP connection to the server reply.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

/**
 * A counter whose value is read at scrape time (from Redis): prom-client calls `collect`
 * before every exposition, and it sets each label set's total.
 */
export function counterFromSource<L extends string>(
  registry: Registry,
  opts: { name: string; help: string; labelNames: readonly L[]; read: () => Promise<Array<[Partial<Record<L, string>>, number]>> },
): Counter<L> {
  return new Counter<L>({
    name: opts.name,
    help: opts.help,
    labelNames: opts.labelNames,
    registers: [registry],
    async collect() {
      const samples = await opts.read();
      this.reset();
      for (const [labels, value] of samples) this.inc(labels, value);
    },
  });
}
