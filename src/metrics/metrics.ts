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
  /** Seconds from handing a message to SMTP to the server's reply, by outcome. */
  smtpLatency: Histogram<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'newsletter_' });
  return {
    registry,
    subscribes: new Counter({ name: 'newsletter_subscribes_total', help: 'Subscribe requests accepted by the form or API (before confirmation).', labelNames: ['newsletter'], registers: [registry] }),
    confirmations: new Counter({ name: 'newsletter_confirmations_total', help: 'Double opt-in confirmations (first click of a link).', labelNames: ['newsletter'], registers: [registry] }),
    unsubscribes: new Counter({ name: 'newsletter_unsubscribes_total', help: 'Unsubscribes, by how (one-click, page).', labelNames: ['newsletter', 'how'], registers: [registry] }),
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
export function counterFromSource<L extends string>(registry: Registry, opts: { name: string; help: string; labelNames: readonly L[]; read: () => Promise<Array<[Partial<Record<L, string>>, number]>> }): Counter<L> {
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
