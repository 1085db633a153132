import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, guardSecrets, isLoopbackHost, isLoopbackUrl, loadConfig, readEnvironment, weakSecrets } from '../../src/config/index.ts';
import { UserError } from '../../src/errors.ts';
import { signListToken, verifyListToken } from '../../src/subscribers/tokens.ts';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);
const base = { ADMIN_TOKEN: 'a'.repeat(30) };

describe('loadConfig', () => {
  it('gives defaults for optional variables and freezes the result', () => {
    const config = loadConfig({});
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.keyPrefix).toBe('{nl}');
    expect(config.secrets).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable when a needed one is missing', () => {
    expect(() => loadConfig({}, ['SECRET'])).toThrow(
      /^SECRET: is missing; set it to 32 or more random characters, e\.g\. the output of `openssl rand -hex 32`/,
    );
  });

  it('names the variable when a value is invalid', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(
      /^REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\/ \(with REDIS_CLUSTER=true: several, comma-separated\) \(see \.env\.example\)$/,
    );
    expect(() => loadConfig({ KEY_PREFIX: 'nl' })).toThrow(/^KEY_PREFIX: must be a Redis hash tag/);
    // A raw % in the password would stop every send with "URI malformed"; the message says how to write it.
    expect(() => loadConfig({ SMTP_URL: 'smtp://mailer:50%off@relay.example:587' })).toThrow(/^SMTP_URL: has a % in its user or password .* as %25/);
    expect(loadConfig({ SMTP_URL: 'smtp://mailer:50%25off@relay.example:587' }).smtpUrl).toBe('smtp://mailer:50%25off@relay.example:587');
    expect(() => loadConfig({ REDIS_URL: 'redis://:p%zz@127.0.0.1:6379' })).toThrow(/^REDIS_URL: has a % in its user or password/);
    // Not a URL at all: one message, the URL rule's (not the percent rule's too).
    expect(() => loadConfig({ SMTP_URL: 'not a url' })).toThrow(/^SMTP_URL: must be a URL starting with smtp: or smtps:\/\/ \(see \.env\.example\)$/);
    expect(() => loadConfig({ SECRET: 'short' }, ['SECRET'])).toThrow(/^SECRET: must be at least 32 characters/);
  });

  it('takes seed nodes of a Redis Cluster only with REDIS_CLUSTER=true', () => {
    const seeds = 'redis://10.0.0.1:7000,redis://10.0.0.2:7000';
    expect(loadConfig({ REDIS_URL: seeds, REDIS_CLUSTER: 'true' })).toMatchObject({ redisUrl: seeds, redisCluster: true });
    expect(loadConfig({})).toMatchObject({ redisCluster: false });
    expect(() => loadConfig({ REDIS_URL: seeds })).toThrow(/^REDIS_URL: lists several nodes: set REDIS_CLUSTER=true/);
    expect(() => loadConfig({ REDIS_URL: 'redis://a:7000,http://b', REDIS_CLUSTER: 'true' })).toThrow(/^REDIS_URL: must be a URL/);
    expect(() => loadConfig({ REDIS_CLUSTER: 'yes' })).toThrow(/^REDIS_CLUSTER: must be true or false/);
  });

  it('keeps a link signed during a key rotation valid after the old key is dropped', () => {
    const during = loadConfig({ ...base, SECRET: NEW, SECRET_PREVIOUS: OLD }, ['SECRET']);
    const before = loadConfig({ ...base, SECRET: OLD }, ['SECRET']);
    const after = loadConfig({ ...base, SECRET: NEW }, ['SECRET']);
    const signedBefore = signListToken(before.secrets, '7', 'pretrain-weekly');
    const signedDuring = signListToken(during.secrets, '7', 'pretrain-weekly');
    expect(verifyListToken(during.secrets, signedBefore)).toEqual({ subscriberId: '7', listId: 'pretrain-weekly' });
    expect(verifyListToken(after.secrets, signedDuring)).toEqual({ subscriberId: '7', listId: 'pretrain-weekly' });
    expect(verifyListToken(after.secrets, signedBefore)).toBeNull();
  });

  it('refuses a SECRET_PREVIOUS equal to SECRET', () => {
    expect(() => loadConfig({ SECRET: NEW, SECRET_PREVIOUS: NEW }, ['SECRET'])).toThrow(/^SECRET_PREVIOUS: must differ from SECRET/);
  });

  it('names every missing or invalid variable at once, each with how to fix it', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'http://x', PORT: 'eighty' }, ['SECRET', 'ADMIN_TOKEN']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(['REDIS_URL', 'SECRET', 'ADMIN_TOKEN', 'PORT']);
    expect((error as Error).message.split('\n')).toEqual([
      '4 configuration problems (set them in .env or the environment; see .env.example):',
      '  REDIS_URL: must be a URL starting with redis:// or rediss:// (with REDIS_CLUSTER=true: several, comma-separated) (see .env.example)',
      expect.stringMatching(/^ {2}SECRET: is missing; set it to 32 or more random characters/),
      expect.stringMatching(/^ {2}ADMIN_TOKEN: is missing; set it to 24 or more random characters/),
      expect.stringMatching(/^ {2}PORT: .* \(see \.env\.example\)$/),
    ]);
  });
});

describe('DKIM settings', () => {
  it('a key that is not a PEM private key stops the process with how to fix it', () => {
    const env = { DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nnot a key\\n-----END PRIVATE KEY-----' };
    expect(() => loadConfig(env)).toThrow(/^DKIM_PRIVATE_KEY: is not a PEM private key/);
  });

  it('an RSA key (newlines written as \\n) is accepted; an EC key is refused', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadConfig({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: rsa.replace(/\n/g, '\\n') });
    expect(config.dkim?.privateKey).toBe(rsa);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadConfig({ DKIM_DOMAIN: 'example.com', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY: ec })).toThrow(
      /^DKIM_PRIVATE_KEY: is a ec key; DKIM signing here needs an RSA private key/,
    );
  });
});

describe('readEnvironment', () => {
  const withDir = (envFile: string | null, fn: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'nl-env-'));
    try {
      if (envFile !== null) writeFileSync(join(dir, '.env'), envFile);
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('reads .env from the working directory, and the real environment wins', () => {
    withDir('SECRET=from-the-file-0123456789012345678901\nPORT=4000\nMAIL_FROM="预训练周刊 <weekly@example.com>" # comment\n', (dir) => {
      const env = readEnvironment({ PORT: '5000' }, dir);
      expect(env).toMatchObject({ SECRET: 'from-the-file-0123456789012345678901', PORT: '5000', MAIL_FROM: '预训练周刊 <weekly@example.com>' });
      expect(loadConfig(env, ['SECRET']).port).toBe(5000);
    });
  });

  it('is the environment alone when there is no .env', () => {
    withDir(null, (dir) => expect(readEnvironment({ PORT: '5000' }, dir)).toEqual({ PORT: '5000' }));
  });

  it('.env.example works as it is for a local run', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
    withDir(example, (dir) => {
      const config = loadConfig(readEnvironment({}, dir), ['SECRET', 'ADMIN_TOKEN']);
      expect(config.publicUrl).toBe('http://127.0.0.1:3000');
      expect(config.secrets).toHaveLength(1);
      expect(config.mailFrom).toBe('预训练周刊 <weekly@example.com>');
    });
  });
});

describe('SMTP_EHLO', () => {
  it("defaults to MAIL_FROM's domain (an internationalised one in ASCII), never an IP; an empty value is unset", () => {
    expect(loadConfig({ SMTP_EHLO: '' }).smtpEhlo).toBe('example.com');
    expect(loadConfig({ MAIL_FROM: '周刊 <weekly@例子.中国>' }).smtpEhlo).toBe('xn--fsqu00a.xn--fiqs8s');
    expect(loadConfig({ SMTP_EHLO: 'mx.example.org' }).smtpEhlo).toBe('mx.example.org');
    expect(() => loadConfig({ SMTP_EHLO: 'not a host' })).toThrow(/SMTP_EHLO: must be a host name/);
  });
});

describe('weak secrets (serve and worker refuse them for a public site)', () => {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');

  it(".env.example's SECRET and ADMIN_TOKEN are caught as placeholders, however they are spelled later", () => {
    const example = parseEnv(readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8'));
    expect(weakSecrets(example).map((w) => [w.variable, w.kind])).toEqual([
      ['SECRET', 'placeholder'],
      ['ADMIN_TOKEN', 'placeholder'],
    ]);
    for (const value of ['CHANGE_ME_0123456789abcdefghijklmnopq', 'please-changeme-to-something-random', 'replace-me-with-32-random-characters']) {
      expect(weakSecrets({ SECRET: value }), value).toEqual([expect.objectContaining({ variable: 'SECRET', kind: 'placeholder' })]);
    }
  });

  it('catches the dev-only values and values that are not random; random ones pass', () => {
    expect(weakSecrets({ ADMIN_TOKEN: 'dev-only-admin-token-0123456789' })).toEqual([
      { variable: 'ADMIN_TOKEN', kind: 'dev-only', reason: 'the public dev-only value of `newsletter dev`' },
    ]);
    expect(weakSecrets({ SECRET: 'o'.repeat(40), METRICS_TOKEN: 'secretsecretsecretsecretsecret12' })).toEqual([
      { variable: 'SECRET', kind: 'not-random', reason: 'not random (1 different character)' },
      { variable: 'METRICS_TOKEN', kind: 'not-random', reason: 'not random (7 different characters)' },
    ]);
    for (let i = 0; i < 200; i++)
      expect(
        weakSecrets({
          SECRET: hex(32),
          SECRET_PREVIOUS: hex(32),
          ADMIN_TOKEN: hex(24),
          METRICS_TOKEN: hex(24),
          WEBHOOK_TOKEN: randomBytes(24).toString('base64url'),
        }),
      ).toEqual([]);
    expect(weakSecrets({ SECRET: '', ADMIN_TOKEN: undefined })).toEqual([]);
  });

  it('knows loopback addresses in every spelling, and nothing else', () => {
    for (const url of [
      'http://127.0.0.1:3000',
      'http://127.8.9.10/',
      'http://[::1]:3000',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost:3000',
      'http://LOCALHOST./',
      'http://news.localhost/',
      'http://127.1/',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of [
      'https://news.example.com',
      'http://10.0.0.1/',
      'http://0.0.0.0:3000',
      'http://[::]/',
      'http://localhost.example.com/',
      'http://128.0.0.1/',
      'not a url',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
  });

  it('refuses in one line for a public PUBLIC_URL or HOST, warns in one line on this machine, says nothing when all is well', () => {
    const env = { SECRET: 'change-me-to-32-or-more-random-characters', ADMIN_TOKEN: hex(24) };
    expect(() => guardSecrets(env, { publicUrl: 'https://news.example.com' }, { command: 'worker' })).toThrow(
      /^SECRET is still the change-me placeholder from \.env\.example, and PUBLIC_URL \(https:\/\/news\.example\.com\) is not this machine, so worker refuses to start: set it to its own random value, e\.g\. the output of `openssl rand -hex 32`$/,
    );
    expect(() => guardSecrets(env, { publicUrl: 'http://127.0.0.1:3000' }, { command: 'serve', listenHost: '::' })).toThrow(
      /HOST \(::\) listens beyond this machine, so serve refuses to start/,
    );
    expect(() => guardSecrets(env, { publicUrl: 'http://127.0.0.1:3000' }, { command: 'serve', listenHost: '::' })).toThrow(UserError);
    const warning = guardSecrets(env, { publicUrl: 'http://[::1]:3000' }, { command: 'serve', listenHost: 'localhost' });
    expect(warning).toBe(
      'warning: SECRET is still the change-me placeholder from .env.example, accepted only because PUBLIC_URL (http://[::1]:3000) is this machine; before it names a public site, set it to its own random value, e.g. the output of `openssl rand -hex 32`',
    );
    expect(warning).not.toContain(env.SECRET); // names variables, never values
    expect(
      guardSecrets({ SECRET: hex(32), ADMIN_TOKEN: hex(24) }, { publicUrl: 'https://news.example.com' }, { command: 'serve', listenHost: '0.0.0.0' }),
    ).toBeNull();
  });
});

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('TRUST_PROXY (issue 32 item 4)', () => {
  it('takes a hop count or the proxies’ addresses; false, 0 and empty trust nobody', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    for (const off of ['false', 'FALSE', '0', '']) expect(loadConfig({ TRUST_PROXY: off }).trustProxy, off).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toBe('127.0.0.1');
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, ::1 ,fd00::/8,loopback' }).trustProxy).toBe('10.0.0.0/8,::1,fd00::/8,loopback');
  });

  it('refuses true, which believed whatever a client wrote, in one line saying what to write instead', () => {
    for (const value of ['true', 'TRUE']) {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(
        /^TRUST_PROXY: true is no longer accepted: it believed whatever address a client wrote first in X-Forwarded-For .*; write how many proxies stand in front of serve, e\.g\. TRUST_PROXY=1 for one nginx or load balancer, or their addresses, e\.g\. TRUST_PROXY=127\.0\.0\.1 or TRUST_PROXY=10\.0\.0\.0\/8$/,
      );
    }
  });

  it('refuses what is neither a count nor addresses, naming the bad entry', () => {
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8,proxy.example.com' })).toThrow(
      /^TRUST_PROXY: "proxy\.example\.com" is not an IP address or CIDR; must be false, how many proxies/,
    );
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/"10\.0\.0\.0\/33" is not an IP address or CIDR/);
    expect(() => loadConfig({ TRUST_PROXY: '999' })).toThrow(/^TRUST_PROXY: 999 proxies in a row is not a real set-up/);
    expect(() => loadConfig({ TRUST_PROXY: ',' })).toThrow(/^TRUST_PROXY: must be false, how many proxies/);
  });
});

describe('METRICS_TOKEN and WEBHOOK_TOKEN (issue 32 item 7)', () => {
  const ADMIN = randomHex(24);
  it('are their own secrets: unset, they are unset (their routes are off), never the admin token', () => {
    const config = loadConfig({ ADMIN_TOKEN: ADMIN }, ['ADMIN_TOKEN']);
    expect(config.metricsToken).toBeUndefined();
    expect(config.webhookToken).toBeUndefined();
    const both = loadConfig({ ADMIN_TOKEN: ADMIN, METRICS_TOKEN: 'm'.repeat(12) + randomHex(12), WEBHOOK_TOKEN: 'w'.repeat(12) + randomHex(12) }, [
      'ADMIN_TOKEN',
    ]);
    expect(both.metricsToken).toMatch(/^m{12}/);
    expect(both.webhookToken).toMatch(/^w{12}/);
  });

  it('refuses one equal to the admin token, the other token or SECRET', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: ADMIN, WEBHOOK_TOKEN: ADMIN }, ['ADMIN_TOKEN'])).toThrow(
      /^WEBHOOK_TOKEN: must differ from ADMIN_TOKEN \(each credential opens only its own door\); set its own random value/,
    );
    expect(() => loadConfig({ ADMIN_TOKEN: ADMIN, METRICS_TOKEN: ADMIN }, ['ADMIN_TOKEN'])).toThrow(/^METRICS_TOKEN: must differ from ADMIN_TOKEN/);
    const shared = randomHex(24);
    expect(() => loadConfig({ METRICS_TOKEN: shared, WEBHOOK_TOKEN: shared })).toThrow(/^WEBHOOK_TOKEN: must differ from METRICS_TOKEN/);
    const secret = randomHex(32);
    expect(() => loadConfig({ SECRET: secret, WEBHOOK_TOKEN: secret }, ['SECRET'])).toThrow(/^WEBHOOK_TOKEN: must differ from SECRET/);
  });

  it('are judged by the weak-secret guard like the admin token', () => {
    const env = {
      SECRET: randomHex(32),
      ADMIN_TOKEN: randomHex(24),
      METRICS_TOKEN: 'change-me-metrics-token-0123456789',
      WEBHOOK_TOKEN: 'dev-only-webhook-token-0123456789',
    };
    expect(() => guardSecrets(env, { publicUrl: 'https://news.example.com' }, { command: 'serve' })).toThrow(
      /^METRICS_TOKEN is still the change-me placeholder from \.env\.example; WEBHOOK_TOKEN is the public dev-only value of `newsletter dev`, and PUBLIC_URL/,
    );
  });
});
