// `dev` needs a Redis. Use the one at REDIS_URL when it answers; otherwise, when Debian's
// redis-server is installed, start a private, memory-only one on a free port for this process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { UserError } from '../errors.ts';
import { pingRedis } from '../redis/connection.ts';
import { freePort } from './free-port.ts';

export interface DevRedis {
  url: string;
  /** True when this process started the server (and stops it on close). */
  private: boolean;
  close(): Promise<void>;
}

export async function ensureRedis(url: string): Promise<DevRedis> {
  try {
    await pingRedis(url);
    return { url, private: false, close: async () => {} };
  } catch {
    // fall through: start our own
  }
  if (spawnSync('redis-server', ['--version']).error) {
    throw new UserError(
      `REDIS_URL: no Redis answers at ${url}, and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install redis-server) or point REDIS_URL at a running Redis.`,
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    {
      stdio: 'ignore',
    },
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try {
      await pingRedis(privateUrl, 200);
      return {
        url: privateUrl,
        private: true,
        close: async () => {
          if (child.exitCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new UserError(`could not start a private redis-server on port ${port}; start Redis yourself and set REDIS_URL`);
}
