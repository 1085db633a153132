// `newsletter worker` with Redis out of reach: one clear line (the same the other commands print,
// naming REDIS_URL), then quiet retries; when Redis answers it says so and starts. The "Redis"
// here is a TCP listener that resets every connection (counting them), then hands over to the
// real one: the test waits for attempts, not for time.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { waitUntil } from '../helpers/wait.ts';

let child: ChildProcessWithoutNullStreams | undefined;
let server: Server | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('worker with Redis down', () => {
  it('says once that it cannot reach Redis, retries quietly, and starts when Redis answers', async () => {
    const real = new URL(TEST_REDIS_URL);
    let attempts = 0;
    let down = true;
    server = createServer((socket) => {
      attempts++;
      if (down) return void socket.resetAndDestroy();
      // Redis is "back": relay this connection to the real server.
      const upstream = new Socket();
      upstream.connect(Number(real.port || 6379), real.hostname);
      socket.pipe(upstream).pipe(socket);
      const end = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;

    const output: string[] = [];
    child = spawn(process.execPath, ['bin/newsletter.js', 'worker'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SECRET: 'worker-redis-down-test-secret-0123456789abcdef',
        REDIS_URL: `redis://127.0.0.1:${port}`,
        KEY_PREFIX: uniquePrefix(),
        SMTP_URL: 'smtp://127.0.0.1:1',
        LOG_LEVEL: 'info',
        EMAILS_DIR: 'emails',
      },
    });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    const text = () => output.join('');

    await waitUntil('the clear line', () => text().includes('REDIS_URL: cannot reach Redis at'));
    const before = attempts;
    await waitUntil('six more attempts to connect', () => attempts >= before + 6);
    expect(text().match(/cannot reach Redis/g)).toHaveLength(1);
    expect(text()).toContain(`redis://127.0.0.1:${port}`);
    expect(text()).toContain('start one (redis-server) or set REDIS_URL');
    expect(text()).not.toMatch(/redis connection error|queue error|worker error/);

    down = false;
    await waitUntil('the worker to start', () => text().includes('worker started'));
    expect(text()).toContain('redis reachable again');
    expect(text().match(/cannot reach Redis/g)).toHaveLength(1);
  });
});
