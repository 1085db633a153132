// A redis-server of the test's own on a free port, started with the settings a test needs
// (eviction policy, AOF), so the shared Redis's configuration is never changed. Ready when it
// logs that it accepts connections; `stop()` kills it and waits for its exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/dev/free-port.ts';

export interface PrivateRedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPrivateRedis(args: string[]): Promise<PrivateRedisServer> {
  const port = await freePort();
  // Its own directory: an AOF written by `--appendonly yes` stays out of the repository.
  const dir = mkdtempSync(join(tmpdir(), 'doctor-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${log.slice(-500)}`)));
  });
  child.stdout!.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
