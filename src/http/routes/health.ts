// GET /healthz: can we reach Redis. GET /metrics: Prometheus text format (written by hand; the
// format is a few lines): subscribers by status, per list, and queue depths.
import { requireBearer } from '../admin-auth.ts';
import type { FastifyPluginAsync } from 'fastify';
import { SUBSCRIBER_STATUSES } from '../../subscribers/types.ts';
import type { AppContext } from '../app-context.ts';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;
const PING_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A label value in the text format: backslash, double quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string, samples: Array<[Record<string, string>, number]>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
    lines.push(`${name}{${l}} ${value}`);
  }
  return lines.join('\n');
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

    // Counts of subscribers and queues are not for everyone: a bearer token, as for /api.
    app.get('/metrics', { onRequest: requireBearer(ctx.config.metricsToken, 'METRICS_TOKEN') }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        const lists = [...new Set(ctx.newsletters.all.map((n) => n.listId))];
        const queues = Object.entries(ctx.metricsQueues);
        const [all, perList, jobCounts] = await withTimeout(
          Promise.all([
            ctx.store.countByStatus(null),
            Promise.all(lists.map((l) => ctx.store.countByStatus(l))),
            Promise.all(queues.map(([, q]) => q.getJobCounts(...JOB_STATES))),
          ]),
          5_000,
        );
        const body = [
          gauge('newsletter_subscribers', 'Subscribers by status, whole deployment.', SUBSCRIBER_STATUSES.map((s) => [{ status: s }, all[s]])),
          gauge('newsletter_list_subscribers', 'Members of each list by status.', lists.flatMap((l, i) => SUBSCRIBER_STATUSES.map((s): [Record<string, string>, number] => [{ list: l, status: s }, perList[i]![s]]))),
          gauge('newsletter_queue_jobs', 'Jobs in each queue by state.', queues.flatMap(([name], i) => JOB_STATES.map((s): [Record<string, string>, number] => [{ queue: name, state: s }, jobCounts[i]![s] ?? 0]))),
        ].join('\n');
        return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(`${body}\n`);
      } catch (error) {
        request.log.warn({ err: error }, 'metrics: Redis unreachable');
        return reply.code(503).header('content-type', 'text/plain; charset=utf-8').send('# metrics unavailable: Redis unreachable\n');
      }
    });
  };
}
