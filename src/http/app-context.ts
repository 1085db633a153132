// What every route group receives: the app's dependencies, built once by buildApp.
import type { Queue } from 'bullmq';
import type { Sends } from '../campaign/sends.ts';
import type { Redis } from 'ioredis';
import type { LeaveDeps } from '../use-cases/leave-list.ts';
import type { Config } from '../config/index.ts';
import type { Newsletter } from '../content/schema.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Keys } from '../redis/keys.ts';
import type { Partitions } from '../redis/partitions.ts';
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import type { ArchiveSource } from '../archive/archive-source.ts';
import type { NewsletterDirectory } from './newsletter-directory.ts';
import type { SubscriptionDeps } from '../use-cases/subscription-flow.ts';
import { subscribeHref, type PageContext } from './views/subscription-pages.ts';

export interface AppContext {
  config: Readonly<Config>;
  redis: Redis;
  /** Deployment-wide keys. */
  keys: Keys;
  /** The deployment's partitions of subscribers and sends. */
  partitions: Partitions;
  store: RedisSubscriberStore;
  newsletters: NewsletterDirectory;
  archive: ArchiveSource;
  subscription: SubscriptionDeps;
  /** What leaving a list needs (the store and the running sends' ledgers). */
  leave: LeaveDeps;
  /** Every partition's shard of the sends (ledgers, queue handles over the app's connection; closed with the app). */
  sends: Sends;
  /** Queues whose job counts /metrics reports, by name. */
  metricsQueues: Record<string, Queue>;
  /** This process's registry and counters (subscribes, confirmations, unsubscribes). */
  metrics: Metrics;
}

export function pageContext(ctx: AppContext, newsletter: Newsletter): PageContext {
  return { newsletter, subscribeHref: subscribeHref(newsletter.id), confirmTtlHours: ctx.config.confirmTtlHours };
}
