// GET /healthz: can we reach Redis. GET /metrics: the process's prom-client registry (see
// server-metrics.ts for what is read from Redis at each scrape).
import { requireOwnToken } from '../admin-auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.ts';

const PING_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        await withTimeout(ctx.redis.ping(), PING_TIMEOUT_MS);
        return { ok: true };
      } catch (error) {
        request.log.warn({ err: error }, 'healthz: Redis unreachable');
        return reply.code(503).send({ ok: false, error: 'redis unreachable' });
      }
    });

    // Counts of subscribers and queues are not for everyone: a bearer token of its own (METRICS_TOKEN; unset, off).
    app.get('/metrics', { onRequest: requireOwnToken(ctx.config.metricsToken, 'METRICS_TOKEN', 'GET /metrics', app.log) }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const body = await withTimeout(ctx.metrics.registry.metrics(), 5_000);
        return reply.header('content-type', ctx.metrics.registry.contentType).send(body);
      } catch (error) {
        request.log.warn({ err: error }, 'metrics: Redis unreachable');
        return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('# metrics unavailable: Redis unreachable\n');
      }
    });
  };
}
