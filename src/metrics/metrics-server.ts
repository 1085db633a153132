// A worker's own /metrics (WORKER_METRICS_PORT): its SMTP latency histogram and process
// metrics, behind the same bearer token as the server's (METRICS_TOKEN; unset, the port answers
// 404 saying so, and `log` says it once at start). Plain node:http: a worker has no Fastify, and
// one route does not need one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sameSecret } from '../crypto/same-secret.ts';
import type { Metrics } from './metrics.ts';

export async function serveMetrics(
  metrics: Metrics,
  opts: { port: number; host: string; token?: string; log?: (message: string) => void },
): Promise<{ port: number; close(): Promise<void> }> {
  const off = opts.token
    ? null
    : `GET /metrics on WORKER_METRICS_PORT is off: set METRICS_TOKEN to its own random value (e.g. the output of \`openssl rand -hex 32\`) to turn it on`;
  if (off) opts.log?.(off);
  const server: Server = createServer((request, response) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only.\n');
      return;
    }
    if (off || !opts.token) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`${off}.\n`);
      return;
    }
    if (!sameSecret(match?.[1] ?? '', opts.token)) {
      response
        .writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="newsletter"' })
        .end('This needs "Authorization: Bearer <METRICS_TOKEN>".\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('# metrics unavailable\n'),
    );
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
