// GET /admin/queues: Bull Board over the three queues, behind the console's session (this
// plugin is registered inside the guarded scope). Read-only: retrying, promoting or cleaning a
// deliver job by hand would bypass the ledger that keeps every subscriber to one copy; pause,
// resume and cancel are the console's own buttons. Its page loads its own scripts and uses
// inline styles, so it gets a CSP of its own (same origin only).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../http/app-context.ts';

export const QUEUES_PATH = '/admin/queues';

const BOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The board's page as we serve it: without the web font it asks Google for (the CSP allows only
 * this origin, and the console loads nothing from elsewhere), and with a way back to the console.
 */
export function adaptPage(page: string): string {
  return page
    .replace(/<link[^>]+href="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>/g, '')
    .replace(
      /<body([^>]*)>/,
      `<body$1><a href="/admin" style="position:fixed;z-index:1000;right:1rem;bottom:1rem;padding:.5rem .9rem;border-radius:6px;background:#1f5fbf;color:#fff;font:600 15px/1.4 system-ui,sans-serif;text-decoration:none">← Console</a>`,
    );
}

export function queuesRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUES_PATH);
    createBullBoard({
      // Partitions have queues of the same name (`deliver@2` in metricsQueues): the board tells them apart by a prefix.
      queues: Object.entries(ctx.metricsQueues).map(
        ([name, queue]) =>
          new BullMQAdapter(queue, {
            readOnlyMode: true,
            ...(name !== queue.name ? { prefix: `p${name.slice(queue.name.length + 1)}-`, displayName: name } : {}),
          }),
      ),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'newsletter', miscLinks: [{ text: 'Back to the console', url: '/admin' }] } },
    });
    await app.register(async (board) => {
      board.addHook('onSend', async (_request, reply, payload) => {
        reply.header('content-security-policy', BOARD_CSP);
        return typeof payload === 'string' && payload.startsWith('<!DOCTYPE html>') ? adaptPage(payload) : payload;
      });
      await board.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
    });
  };
}
