import { createServer } from 'node:net';

/** Binds `port` on loopback for a moment: the port it got (0 picks any free one), or null when taken. */
function probe(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(null) : reject(err)));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const got = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(got));
    });
  });
}

/** A loopback TCP port that was free a moment ago (for a child server whose URL we must know first). */
export async function freePort(): Promise<number> {
  return (await probe(0)) ?? 0;
}

/** `preferred` when it is free, else any free port (so `dev` starts beside a running `serve`). */
export async function preferredOrFreePort(preferred: number): Promise<number> {
  return (await probe(preferred)) ?? freePort();
}
