// An operator's first run: `.env` copied from `.env.example`, then `newsletter serve` — it reads
// the file (no "SECRET missing"), answers /healthz and / with 200, and the real environment
// wins over the file. A broken variable stops it with every problem named at once.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { BIN, bareEnv } from '../helpers/cli.ts';
import { freePort } from '../../src/dev/free-port.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serve-env-'));
  await symlink(join(ROOT, 'emails'), join(dir, 'emails'));
  await copyFile(join(ROOT, '.env.example'), join(dir, '.env'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('newsletter serve with .env copied from .env.example', () => {
  it('starts, answers /healthz and / with 200, and takes PORT from the real environment over the file', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      cwd: dir,
      env: bareEnv({ PORT: String(port), REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, LOG_LEVEL: 'info' }),
    });
    const output: string[] = [];
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    try {
      const listening = new Promise<void>((resolveListening, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          output.push(line);
          if (line.includes(`listening on http://127.0.0.1:${port}`)) resolveListening();
        });
        child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${output.join('\n')}`)));
      });
      await listening;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const landing = await fetch(`http://127.0.0.1:${port}/`);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain('《预训练周刊》');
      // Whatever it logged, the secrets from the file are not in it.
      expect(output.join('\n')).not.toContain('change-me-to-a-long-random-token');
      // The change-me secrets are accepted on this machine alone, with one warning line.
      expect(output.join('\n')).toContain(
        'newsletter serve: warning: SECRET and ADMIN_TOKEN are still the change-me placeholders from .env.example, accepted only because PUBLIC_URL (http://127.0.0.1:3000) is this machine; before it names a public site, set each to its own random value, e.g. the output of `openssl rand -hex 32`',
      );
      // METRICS_TOKEN and WEBHOOK_TOKEN are empty in the file: their routes are off, said once each at start.
      for (const off of ['GET /metrics is off: set METRICS_TOKEN', 'POST /webhooks/generic is off: set WEBHOOK_TOKEN']) {
        expect(
          output.filter((line) => line.includes(off)),
          off,
        ).toHaveLength(1);
      }
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer change-me-to-a-long-random-token' } })).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('a broken .env stops it with one message naming every bad variable and how to fix it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'serve-env-broken-'));
    try {
      await symlink(join(ROOT, 'emails'), join(broken, 'emails'));
      await writeFile(join(broken, '.env'), 'SECRET=short\nREDIS_URL=http://not-redis\n');
      const child = spawn(process.execPath, [BIN, 'serve'], { cwd: broken, env: bareEnv({}) });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(stderr).toContain('3 configuration problems (set them in .env or the environment; see .env.example):');
      expect(stderr).toContain('REDIS_URL: must be a URL starting with redis:// or rediss://');
      expect(stderr).toContain('SECRET: must be at least 32 characters');
      expect(stderr).toContain('ADMIN_TOKEN: is missing; set it to 24 or more random characters');
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('a DKIM key that cannot sign stops the worker at start with one line naming it', async () => {
    const child = spawn(process.execPath, [BIN, 'worker'], {
      cwd: dir,
      env: bareEnv({
        REDIS_URL: TEST_REDIS_URL,
        KEY_PREFIX: `{serve-env-${process.pid}}`,
        DKIM_DOMAIN: 'example.com',
        DKIM_SELECTOR: 's1',
        DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nbroken\\n-----END PRIVATE KEY-----',
      }),
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^newsletter: DKIM_PRIVATE_KEY: is not a PEM private key/)]);
  });

  it('the change-me SECRET and ADMIN_TOKEN stop serve and worker in one line when PUBLIC_URL is not this machine', async () => {
    for (const command of ['serve', 'worker']) {
      const child = spawn(process.execPath, [BIN, command], {
        cwd: dir,
        env: bareEnv({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, PUBLIC_URL: 'https://news.example.com' }),
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const [code] = await once(child, 'close');
      expect(code, command).toBe(1);
      expect(stderr.trim().split('\n'), command).toEqual([
        `newsletter: SECRET and ADMIN_TOKEN are still the change-me placeholders from .env.example, and PUBLIC_URL (https://news.example.com) is not this machine, so ${command} refuses to start: set each to its own random value, e.g. the output of \`openssl rand -hex 32\``,
      ]);
      expect(stdout, command).toBe(''); // nothing started: no log line at all
    }
  });

  it('a weak secret of its own (not random) and a server listening beyond this machine are refused too', async () => {
    const weak = spawn(process.execPath, [BIN, 'worker'], {
      cwd: dir,
      env: bareEnv({ PUBLIC_URL: 'https://news.example.com', SECRET: 'abcabcabcabcabcabcabcabcabcabcabc', ADMIN_TOKEN: '' }),
    });
    let weakErr = '';
    weak.stderr.on('data', (d: Buffer) => (weakErr += d.toString()));
    expect((await once(weak, 'close'))[0]).toBe(1);
    expect(weakErr.trim()).toBe(
      'newsletter: SECRET is not random (3 different characters), and PUBLIC_URL (https://news.example.com) is not this machine, so worker refuses to start: set it to its own random value, e.g. the output of `openssl rand -hex 32`',
    );

    // PUBLIC_URL on this machine, but serve would answer the whole network with the known admin token.
    const open = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: bareEnv({ HOST: '0.0.0.0' }) });
    let openErr = '';
    open.stderr.on('data', (d: Buffer) => (openErr += d.toString()));
    expect((await once(open, 'close'))[0]).toBe(1);
    expect(openErr.trim()).toBe(
      'newsletter: SECRET and ADMIN_TOKEN are still the change-me placeholders from .env.example, and HOST (0.0.0.0) listens beyond this machine, so serve refuses to start: set each to its own random value, e.g. the output of `openssl rand -hex 32`',
    );
  });

  it('on this machine the worker starts with the change-me secrets after one warning line, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'worker'], {
      cwd: dir,
      env: bareEnv({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'info' }),
    });
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const output: string[] = [];
    // Should it ever hang again, the report says where the worker was.
    onTestFailed(() => console.error(`worker ${child.pid} (exit ${child.exitCode ?? 'none'}) printed:\n${[...stderr, ...output].join('\n')}`));
    try {
      await new Promise<void>((started, failed) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          output.push(line);
          if (line.includes('worker started')) started();
        });
        child.once('exit', (code) => failed(new Error(`worker exited (${code}):\n${[...stderr, ...output].join('\n')}`)));
      });
      expect(stderr).toEqual([
        'newsletter worker: warning: SECRET and ADMIN_TOKEN are still the change-me placeholders from .env.example, accepted only because PUBLIC_URL (http://localhost:3000) is this machine; before it names a public site, set each to its own random value, e.g. the output of `openssl rand -hex 32`',
      ]);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
  });

  it('stops on a SIGTERM sent the moment it says "worker started", every time', async () => {
    // The signal lands while the worker finishes starting; a handler swapped in that window
    // swallowed it about one start in three, and the worker ran on.
    for (let start = 0; start < 6; start++) {
      const child = spawn(process.execPath, [BIN, 'worker'], {
        cwd: dir,
        env: bareEnv({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, PUBLIC_URL: 'http://localhost:3000', LOG_LEVEL: 'info' }),
      });
      const lines: string[] = [];
      createInterface({ input: child.stderr }).on('line', (line) => lines.push(line));
      await new Promise<void>((started, failed) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          if (line.includes('worker started')) child.kill('SIGTERM') && started();
        });
        child.once('exit', (code) => failed(new Error(`worker exited (${code}) before it started:\n${lines.join('\n')}`)));
      });
      const [code] = await once(child, 'close');
      expect(code, `start ${start + 1}:\n${lines.join('\n')}`).toBe(0);
      expect(
        lines.some((line) => line.includes('worker stopped')),
        `start ${start + 1}`,
      ).toBe(true);
    }
  });
});
