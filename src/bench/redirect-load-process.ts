// The load generator of `bench tracking`, in its own process so that its CPU is not taken from
// the server's event loop (the server runs in the bench process): autocannon at N connections for
// a duration, every request a tracked link (`/r/<campaign>/<n>/<token>`) with a browser's user
// agent, rotating over the readers' tokens and the issue's links. Driven over IPC.
import autocannon from 'autocannon';
import type { RedirectLoadReply, RedirectLoadRun } from './redirect-load-protocol.ts';

function reply(message: RedirectLoadReply): void {
  process.send?.(message);
}

async function run(r: RedirectLoadRun): Promise<void> {
  let next = 0;
  const result = await autocannon({
    url: r.baseUrl,
    connections: r.connections,
    duration: r.durationSeconds,
    headers: { 'user-agent': r.userAgent },
    requests: [
      {
        method: 'GET',
        // Request i: reader i mod R on link i mod L; R and L share no factor in practice, so
        // every reader follows many links over a run.
        setupRequest: (request) => {
          const i = next++;
          return { ...request, path: `/r/${r.campaignId}/${(i % r.links) + 1}/${r.tokens[i % r.tokens.length]}` };
        },
      },
    ],
  });
  reply({
    type: 'done',
    sent: result.requests.sent,
    completed: result.requests.total,
    requestsPerSecondMean: result.requests.mean,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    status: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
  });
}

process.once('message', (message: RedirectLoadRun) => {
  run(message).then(
    () => process.exit(0),
    (error: unknown) => {
      reply({ type: 'failed', error: (error as Error).stack ?? String(error) });
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
