// An operator's first run: `.env` copied from `.env.example`, then `newsletter serve` — it reads
// the file (no "SECRET missing"), answers /healthz and / with 200, and the real environment
// wins over the file. A broken variable stops it with every problem named at once.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'newsletter.js');

/** The environment without any of the project's variables, as on a fresh machine. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

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
    const child = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, env: bareEnv({ PORT: String(port), REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, LOG_LEVEL: 'info' }) });
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
      env: bareEnv({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: `{serve-env-${process.pid}}`, DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nbroken\\n-----END PRIVATE KEY-----' }),
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^newsletter: DKIM_PRIVATE_KEY: is not a PEM private key/)]);
  });
});
