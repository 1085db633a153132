// The Fastify app: plugins first (body parsers, rate limit), then security headers and error
// handling, then one route group per file. No I/O is created here; the caller (the server
// entry, a test) passes every client in, and owns closing them.
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { clientKey } from '../http/rate-limit-keys.ts';
import { trustProxyOption } from '../http/client-ip.ts';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Queue } from 'bullmq';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { openSends, type Sends } from '../campaign/sends.ts';
import { ASSETS_FOLDER } from '../content/asset-files.ts';
import type { Newsletter } from '../content/schema.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { QUEUES } from '../redis/keys.ts';
import { partitionsFor, type Partitions } from '../redis/partitions.ts';
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { requireApiActor } from '../http/api-auth.ts';
import { ApiTokenStore } from '../team/api-token-store.ts';
import { newsletterOfIssue } from '../use-cases/issue-newsletter.ts';
import { UserStore } from '../team/user-store.ts';
import type { AppContext } from '../http/app-context.ts';
import { RedisArchiveSource, type ArchiveSource } from '../archive/archive-source.ts';
import { frameworkErrorAnswer, installErrorHandlers } from './error-handler.ts';
import { newsletterDirectory } from '../http/newsletter-directory.ts';
import { HttpInputError } from '../http/respond.ts';
import { adminCampaignRoutes } from '../http/routes/admin-campaigns.ts';
import { adminSubscriberRoutes } from '../http/routes/admin-subscribers.ts';
import { archiveRoutes } from '../http/routes/archive.ts';
import { consoleRoutes } from '../console/index.ts';
import { confirmRoutes } from '../http/routes/confirm.ts';
import { feedRoutes } from '../http/routes/feeds.ts';
import { healthRoutes } from '../http/routes/health.ts';
import { openApiRoutes } from '../http/routes/openapi.ts';
import { preferencesRoutes } from '../http/routes/preferences.ts';
import { landingRoutes } from '../http/routes/landing.ts';
import { subscribeRoutes } from '../http/routes/subscribe.ts';
import { unsubscribeRoutes } from '../http/routes/unsubscribe.ts';
import { clickRoutes, type ClickRouteDeps } from '../http/routes/click-redirect.ts';
import { openRoutes } from '../http/routes/open-pixel.ts';
import { declarePermissions } from '../http/permissions.ts';
import { auditHook } from '../http/audit.ts';
import { AuditLog } from '../team/audit-log.ts';
import type { DoctorOptions } from '../doctor/run-doctor.ts';
import { ClickStore } from '../reports/click-store.ts';
import { sesWebhookRoutes, type SesWebhookOptions } from '../http/routes/ses-webhook.ts';
import { webhookRoutes } from '../http/routes/webhooks.ts';
import { installSecurityHeaders } from '../http/security-headers.ts';
import { addServerCollectors } from '../http/server-metrics.ts';

export interface AppDeps {
  config: Readonly<Config>;
  redis: Redis;
  store: RedisSubscriberStore;
  /** Every newsletter served (loaded by the composition root); the first is the default. */
  newsletters: Newsletter[];
  /** BullMQ queue QUEUES.transactional (prefix: config.keyPrefix): confirmation mails. */
  transactionalQueue: Queue;
  /** More queues for /metrics (e.g. deliver), by name; the transactional one is always in. */
  metricsQueues?: Record<string, Queue>;
  archive?: ArchiveSource;
  /** A pino logger, `false` for none; default: pino at config.logLevel. */
  logger?: FastifyBaseLogger | boolean;
  /** At most one confirmation mail per (subscriber, list) per this many seconds (default 60). */
  confirmResendSeconds?: number;
  /** How POST /webhooks/ses reaches SNS (tests hand in their own certificate). */
  ses?: SesWebhookOptions;
  /** The deployment's partitions (resolvePartitions); default one, under config.keyPrefix. */
  partitions?: Partitions;
  /**
   * The process's deliver and fan-out queues (openSends over `partitions`), closed by the caller;
   * default: opened here on `redis` and closed with the app.
   */
  sends?: Sends;
  /** The console home's deployment checks (src/doctor): tests point them at their own DNS server. */
  doctor?: DoctorOptions;
  /** Tracked links (/r/…): the machine window, and the clock (tests drive time through it). */
  clicks?: Pick<ClickRouteDeps, 'now' | 'machineWindowMs'>;
}

// Forms and one-click bodies are tiny; anything larger is not for us.
const BODY_LIMIT = 16 * 1024;

/**
 * Log lines never carry confirmation, unsubscribe, invitation or reset tokens (they are credentials), nor a
 * tracked link's click token (it tells one reader's clicks apart: README, "Click tracking"),
 * nor a query string's values (someone will put a token there, even where none is accepted).
 */
export function redactUrl(url: string): string {
  return (
    url
      .replace(/^\/(confirm|unsubscribe|preferences)\/[^?#]*/, '/$1/[token]')
      // A team member's invitation and password-reset links.
      .replace(/^\/admin\/(invite|reset)\/[^?#]+/, '/admin/$1/[token]')
      // A tracked link keeps its issue and link number when they look like them; anything else under /r/ goes.
      .replace(/^\/r\/(?:(~?[a-z0-9][a-z0-9-]{0,99}\/[0-9]{1,4})\/[^?#]*|[^?#]*)/, (_, kept?: string) => (kept ? `/r/${kept}/[token]` : '/r/[redacted]'))
      // The open pixel likewise keeps the issue only.
      .replace(/^\/o\/(?:([a-z0-9][a-z0-9-]{0,99})\/[^?#]*|[^?#]*)/, (_, kept?: string) => (kept ? `/o/${kept}/[token]` : '/o/[redacted]'))
      .replace(/([?&][^=&#]*)=[^&#]*/g, '$1=[redacted]')
  );
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const logger = deps.logger ?? true;
  const newsletters = newsletterDirectory(deps.newsletters, config.defaultNewsletter);
  const app = Fastify({
    // A URL Fastify cannot decode, and its other request errors, answered in our own style.
    frameworkErrors: frameworkErrorAnswer({ newsletters, confirmTtlHours: config.confirmTtlHours }),
    ...(typeof logger === 'object' ? { loggerInstance: logger } : { logger: logger ? { level: config.logLevel } : false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Behind reverse proxies the client IP (rate limit, consent record) comes from X-Forwarded-For,
    // read from the right: only what the trusted proxies appended is believed (client-ip.ts).
    trustProxy: trustProxyOption(config.trustProxy),
    // Tokens are path parameters; the default 100-character limit would turn long ones into 404s.
    routerOptions: { maxParamLength: 300 },
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  const partitions = deps.partitions ?? partitionsFor(config.keyPrefix);
  const keys = partitions.base;
  const sends = deps.sends ?? openSends(deps.redis, partitions);
  const ctx: AppContext = {
    config,
    redis: deps.redis,
    keys,
    partitions,
    store: deps.store,
    newsletters,
    archive: deps.archive ?? new RedisArchiveSource(deps.redis, keys, partitions.keys),
    subscription: {
      redis: deps.redis,
      keys,
      secrets: config.secrets,
      store: deps.store,
      transactionalQueue: deps.transactionalQueue,
      confirmTtlHours: config.confirmTtlHours,
      resendAfterSeconds: deps.confirmResendSeconds ?? 60,
    },
    leave: { redis: deps.redis, shards: sends.shards, store: deps.store },
    metricsQueues: { [QUEUES.transactional]: deps.transactionalQueue, ...deps.metricsQueues },
    metrics: createMetrics(),
    sends,
  };
  if (!deps.sends) app.addHook('onClose', async () => sends.close());
  addServerCollectors(ctx.metrics, { redis: deps.redis, keys, partitionKeys: partitions.keys, store: deps.store, newsletters, queues: ctx.metricsQueues });

  declarePermissions(app);
  installErrorHandlers(app, { newsletters, confirmTtlHours: config.confirmTtlHours });
  await installSecurityHeaders(app, { https: config.publicUrl.startsWith('https:') });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(formbody);
  // RFC 8058 allows the one-click body as multipart/form-data: fields only, no files.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fields: 10, fieldSize: 1024, files: 0, parts: 10, fileSize: 1 } });
  await app.register(rateLimit, {
    global: false,
    redis: deps.redis,
    nameSpace: keys.rateLimit(),
    keyGenerator: clientKey,
    // One counter per client address, shared by every server process through Redis.
    errorResponseBuilder: (_request, context) => new HttpInputError(429, `Too many requests; try again in ${context.after}.`),
  });

  // The images issues keep under emails/assets, at ASSETS_URL's default (PUBLIC_URL/assets).
  const assets = resolve(config.emailsDir, ASSETS_FOLDER);
  if (existsSync(assets)) {
    await app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      index: false,
      list: false,
      dotfiles: 'deny',
      maxAge: '1d',
      decorateReply: false,
      // Issue images are loaded by mail clients and webmail pages on other origins.
      setHeaders: (res) => res.setHeader('cross-origin-resource-policy', 'cross-origin'),
    });
  }

  await app.register(landingRoutes(ctx));
  await app.register(subscribeRoutes(ctx));
  await app.register(confirmRoutes(ctx));
  await app.register(unsubscribeRoutes(ctx));
  await app.register(
    clickRoutes({ clicks: new ClickStore(deps.redis, keys), secrets: config.secrets, machineWindowMs: config.clickMachineWindowMs, ...deps.clicks }),
  );
  await app.register(
    openRoutes({ clicks: new ClickStore(deps.redis, keys), secrets: config.secrets, machineWindowMs: config.clickMachineWindowMs, ...deps.clicks }),
  );
  await app.register(preferencesRoutes(ctx));
  await app.register(archiveRoutes(ctx));
  await app.register(feedRoutes(ctx));
  await app.register(healthRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(sesWebhookRoutes(ctx, deps.ses));
  await app.register(
    // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin (FastifyPluginAsync); register() takes one by design.
    async (api) => {
      // What the API did goes into the audit log (the console's scope has its own hook: none on the public site's paths).
      api.addHook('onSend', auditHook(new AuditLog(deps.redis, keys, config.auditRetentionDays)));
      api.addHook(
        'onRequest',
        requireApiActor({
          adminToken: config.adminToken,
          tokens: new ApiTokenStore(deps.redis, keys),
          users: new UserStore(deps.redis, keys),
          newsletterOfIssue: (issueId) => newsletterOfIssue({ emailsDir: config.emailsDir, redis: deps.redis, keys }, issueId),
        }),
      );
      await api.register(adminSubscriberRoutes(ctx));
      await api.register(adminCampaignRoutes(ctx));
      await api.register(openApiRoutes(ctx));
    },
    { prefix: '/api' },
  );
  await app.register(consoleRoutes(ctx, deps.doctor ? { doctor: deps.doctor } : {}), { prefix: '/admin' });
  return app;
}
