// Counts, inside the server, the tracked-link requests it received: the load generator stops at
// the end of its duration with requests still in flight, which the server still follows (and
// counts as clicks) after the client has gone, so only the server's own count can equal the clicks.
import type { Server } from 'node:http';

export interface RedirectCounter {
  /** Tracked-link requests received, all of them. */
  readonly requests: number;
  /** Of those, answered with a 302; the others (status not 302 when the response closed) were
   * mostly cut off by the client's going away before the answer was written. */
  readonly redirects: number;
  readonly others: number;
  /** Resolves when no tracked-link request is in flight any more. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function countRedirects(server: Server): RedirectCounter {
  let inFlight = 0;
  let requests = 0;
  let redirects = 0;
  let others = 0;
  const onRequest = (request: { url?: string }, response: { statusCode: number; once(event: 'close', fn: () => void): unknown }) => {
    if (!request.url?.startsWith('/r/')) return;
    inFlight++;
    requests++;
    // 'close' comes for every response, also one whose client went away before it was written.
    response.once('close', () => {
      inFlight--;
      if (response.statusCode === 302) redirects++;
      else others++;
    });
  };
  server.on('request', onRequest);
  return {
    get requests() {
      return requests;
    },
    get redirects() {
      return redirects;
    },
    get others() {
      return others;
    },
    async settled(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0) {
        if (Date.now() > deadline) throw new Error(`bench tracking: ${inFlight} tracked-link requests still in flight after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => server.off('request', onRequest),
  };
}
