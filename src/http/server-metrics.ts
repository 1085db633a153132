// What the server's /metrics reads from Redis at each scrape, beside its own counters: messages
// sent, failed and bounced per newsletter (summed over its list sends, so every worker's work is
// in it), subscribers by status and per list, and the queues' depths.
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import type { Redis } from 'ioredis';
import { deliveredPerList, readSend } from '../campaign/records/campaign-record.ts';
import { counterFromSource, type Metrics } from '../metrics/metrics.ts';
import type { Keys } from '../redis/keys.ts';
import { ClickStore } from '../reports/click-store.ts';
import { SUBSCRIBER_STATUSES, type SubscriberStore } from '../subscribers/types.ts';
import type { NewsletterDirectory } from './newsletter-directory.ts';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

export function addServerCollectors(
  metrics: Metrics,
  deps: {
    redis: Redis;
    /** Deployment-wide keys (the click records'). */
    keys: Keys;
    partitionKeys: readonly Keys[];
    store: SubscriberStore;
    newsletters: NewsletterDirectory;
    queues: Record<string, Queue>;
  },
): void {
  const { registry } = metrics;
  // One scrape reads the campaigns once for all three counters.
  let delivered: Promise<Map<string, { sent: number; failed: number; bounced: number }>> | null = null;
  const readDelivered = () => {
    delivered ??= deliveredPerList(deps.redis, deps.partitionKeys).finally(() => setImmediate(() => (delivered = null)));
    return delivered;
  };
  const perNewsletter = (field: 'sent' | 'failed' | 'bounced') => async (): Promise<Array<[{ newsletter: string }, number]>> => {
    const totals = await readDelivered();
    return [...totals].map(([listId, t]) => [{ newsletter: deps.newsletters.byList(listId)?.id ?? listId }, t[field]]);
  };
  counterFromSource(registry, {
    name: 'newsletter_messages_sent_total',
    help: 'Messages accepted by the SMTP server (250), per newsletter, all workers.',
    labelNames: ['newsletter'],
    read: perNewsletter('sent'),
  });
  counterFromSource(registry, {
    name: 'newsletter_messages_failed_total',
    help: 'Messages given up after their retries, per newsletter.',
    labelNames: ['newsletter'],
    read: perNewsletter('failed'),
  });
  counterFromSource(registry, {
    name: 'newsletter_messages_bounced_total',
    help: 'Messages refused with a 5xx (the address is suppressed), per newsletter.',
    labelNames: ['newsletter'],
    read: perNewsletter('bounced'),
  });

  // Clicks on tracked links (issue 29), counted in Redis by whichever process counts them (the
  // click route, the commit of held clicks): per newsletter and kind, each issue's newsletter
  // read once from its send.
  const clicks = new ClickStore(deps.redis, deps.keys);
  const newsletterOf = new Map<string, string>();
  counterFromSource(registry, {
    name: 'newsletter_clicks_total',
    help: 'Clicks on tracked links, by newsletter and kind (person, machine: link scanners and bursts); counted without a record of who.',
    labelNames: ['newsletter', 'kind'],
    read: async () => {
      const perLabel = new Map<string, number>();
      for (const t of await clicks.totals()) {
        let newsletter = newsletterOf.get(t.campaignId);
        if (newsletter === undefined) {
          const record = await readSend(deps.redis, deps.partitionKeys, t.campaignId);
          newsletter = record ? (deps.newsletters.byList(record.listId)?.id ?? record.listId) : 'unknown';
          newsletterOf.set(t.campaignId, newsletter);
        }
        const key = `${newsletter}\n${t.kind === 'human' ? 'person' : 'machine'}`;
        perLabel.set(key, (perLabel.get(key) ?? 0) + t.clicks);
      }
      return [...perLabel].map(([key, n]) => {
        const [newsletter, kind] = key.split('\n') as [string, string];
        return [{ newsletter, kind }, n];
      });
    },
  });

  // Unsubscribes by mail are applied by `bounces ingest`, another process: counted in Redis per
  // partition and list (use-cases/ingest-report-email.ts), added here as how="mailto".
  metrics.addUnsubscribeSource(async () => {
    const perNewsletter = new Map<string, number>();
    for (const k of deps.partitionKeys) {
      for (const [listId, n] of Object.entries(await deps.redis.hgetall(k.mailUnsubscribes()))) {
        const newsletter = deps.newsletters.byList(listId)?.id ?? listId;
        perNewsletter.set(newsletter, (perNewsletter.get(newsletter) ?? 0) + (Number(n) || 0));
      }
    }
    return [...perNewsletter].map(([newsletter, n]) => [{ newsletter, how: 'mailto' }, n]);
  });

  const lists = [...new Set(deps.newsletters.all.map((n) => n.listId))];
  new Gauge({
    name: 'newsletter_subscribers',
    help: 'Subscribers by status, whole deployment.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await deps.store.countByStatus(null);
      for (const status of SUBSCRIBER_STATUSES) this.set({ status }, counts[status]);
    },
  });
  new Gauge({
    name: 'newsletter_list_subscribers',
    help: 'Members of each list by status.',
    labelNames: ['list', 'status'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(lists.map((l) => deps.store.countByStatus(l)));
      for (const [i, list] of lists.entries()) {
        for (const status of SUBSCRIBER_STATUSES) this.set({ list, status }, counts[i]![status]);
      }
    },
  });
  new Gauge({
    name: 'newsletter_queue_jobs',
    help: 'Jobs in each queue by state (waiting is the depth still to send).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const queues = Object.entries(deps.queues);
      const counts = await Promise.all(queues.map(([, q]) => q.getJobCounts(...JOB_STATES)));
      for (const [i, [queue]] of queues.entries()) {
        for (const state of JOB_STATES) this.set({ queue, state }, counts[i]![state] ?? 0);
      }
    },
  });
}
