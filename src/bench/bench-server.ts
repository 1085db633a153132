// A `serve` for a benchmark: the server `newsletter serve` runs (startServer, handed in by the CLI,
// whose room is above this one: the same app, the same click commit every second), on a free loopback port, against real Redis under a fresh key
// prefix that close() deletes, with throwaway secrets. Its log goes, at the deployment's
// LOG_LEVEL as serve logs, to a file: on the terminal it would interleave with the bench's output,
// and writing a line per request to a terminal would cost more than the route being measured.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type Config, loadConfig, readEnvironment } from '../config/index.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { createRedis } from '../redis/connection.ts';
import { deleteDeploymentKeys } from '../redis/delete-by-prefix.ts';

/** What a bench needs of a running server (src/server/server.ts RunningServer). */
export interface RunningBenchServer {
  app: { server: Server };
  url: string;
  close(): Promise<void>;
}

/** src/server/server.ts startServer. */
export type StartServer = (
  config: Readonly<Config>,
  opts: { port: number; host: string; handleSignals: boolean; logger: Logger },
) => Promise<RunningBenchServer>;

export interface BenchServer {
  server: RunningBenchServer;
  /** The deployment's config: its key prefix and SECRET are the ones the server uses. */
  config: Readonly<Config>;
  logFile: string;
  /** Stops the server and deletes every key under its prefix. */
  close(): Promise<void>;
}

/** Every bench server not closed yet: a Ctrl-C closes them all (closeBenchServers). */
const open = new Set<BenchServer>();

/** Closes every bench server still open, deleting their keys (on Ctrl-C). */
export async function closeBenchServers(): Promise<void> {
  await Promise.allSettled([...open].map((s) => s.close()));
}

export async function startBenchServer(opts: { name: string; logFile: string; startServer: StartServer; env?: NodeJS.ProcessEnv }): Promise<BenchServer> {
  const config = loadConfig({
    ...readEnvironment(),
    ...opts.env,
    KEY_PREFIX: `{bench-${opts.name}-${randomBytes(4).toString('hex')}}`,
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    SECRET: randomBytes(32).toString('base64url'),
    SECRET_PREVIOUS: '',
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
    PUBLIC_URL: 'http://127.0.0.1',
  });
  const logger = createLogger({ level: config.logLevel, file: opts.logFile });
  const server = await opts.startServer(config, { port: 0, host: '127.0.0.1', handleSignals: false, logger });
  let closed: Promise<void> | null = null;
  const handle: BenchServer = {
    server,
    config,
    logFile: opts.logFile,
    close: () =>
      (closed ??= (async () => {
        open.delete(handle);
        await server.close();
        logger.flush();
        const redis = createRedis(config, { name: `bench-${opts.name}-cleanup` });
        await deleteDeploymentKeys(redis, config.keyPrefix).finally(() => redis.quit());
      })()),
  };
  open.add(handle);
  return handle;
}
