// The only reader of process.env: turns environment variables into one typed, validated,
// frozen Config. Composition roots call loadConfig() once and pass the result down.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.ts';

export { ConfigError, type ConfigProblem } from './config-error.ts';
export { readEnvironment } from './environment.ts';
export { guardSecrets, isLoopbackHost, isLoopbackUrl, weakSecrets, type WeakSecret } from './weak-secrets.ts';

const url = (schemes: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${schemes.join(' or ')}//`,
  );

/**
 * A user or password in a URL is percent-encoded: a `%` not followed by two hex digits stops
 * nodemailer and ioredis with "URI malformed" at the first connection, so it is refused here.
 */
const credentialsDecode = (v: string) => {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return true; // not a URL at all: the URL rule says so, once
  }
  try {
    decodeURIComponent(u.username);
    decodeURIComponent(u.password);
    return true;
  } catch {
    return false;
  }
};
const CREDENTIALS_MESSAGE = 'has a % in its user or password that is not followed by two hex digits: write a % there as %25';

const positiveInt = z.coerce.number().int().positive();

// Variable name → schema. Optional ones carry their default here, in one place.
const variables = {
  /** One URL; with REDIS_CLUSTER=true, seed nodes of a cluster, comma-separated (any one is enough). */
  REDIS_URL: z
    .string()
    .refine(
      (raw) => raw.split(',').every((one) => url(['redis:', 'rediss:']).safeParse(one.trim()).success),
      'must be a URL starting with redis:// or rediss:// (with REDIS_CLUSTER=true: several, comma-separated)',
    )
    .refine((raw) => raw.split(',').every((one) => credentialsDecode(one.trim())), CREDENTIALS_MESSAGE)
    .default('redis://127.0.0.1:6379'),
  /** true: REDIS_URL names seed nodes of a Redis Cluster, and every process uses ioredis' Cluster client. */
  REDIS_CLUSTER: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  /** Partitions of subscribers and sends (their own hash tags: shards of a cluster); default 1 on one Redis, the number of masters on a cluster. */
  QUEUE_PARTITIONS: z.coerce.number().int().min(1).max(64).optional(),
  KEY_PREFIX: z
    .string()
    .regex(/^\{[a-z0-9_-]+\}$/i, 'must be a Redis hash tag such as {nl}')
    .default('{nl}'),
  SMTP_URL: url(['smtp:', 'smtps:']).refine(credentialsDecode, CREDENTIALS_MESSAGE).default('smtp://127.0.0.1:2525'),
  /** The name we give in EHLO (default: MAIL_FROM's domain); receivers score an IP literal as a spam sign. */
  SMTP_EHLO: z
    .string()
    .regex(
      /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
      'must be a host name such as mail.example.com',
    )
    .optional(),
  PUBLIC_URL: url(['http:', 'https:']).default('http://127.0.0.1:3000'),
  /** Where emails/assets is served for mail clients; default PUBLIC_URL/assets (served by `serve`), or a CDN holding a copy. */
  ASSETS_URL: url(['http:', 'https:']).optional(),
  /** The newsletter pages show when they name none (`/subscribe`, `/issues`); default: the first by file name. */
  DEFAULT_NEWSLETTER: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be a newsletter id (a file name in emails/newsletters without .yaml)')
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/, 'must be an address such as "Weekly <news@example.com>"')
    .default('Newsletter <newsletter@example.com>'),
  SECRET: z.string().min(32, 'must be at least 32 characters (random)'),
  SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters (random)'),
  /** Bearer token for /metrics (serve's and each worker's); its own secret, unset: /metrics is off. */
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters (random)').optional(),
  /** Bearer token for POST /webhooks/generic (held by a mail provider); its own secret, unset: the route is off. */
  WEBHOOK_TOKEN: z.string().min(24, 'must be at least 24 characters (random)').optional(),
  /** Where bounces go (MAIL FROM): set, each message gets its own VERP address `local+TOKEN@domain` of it. */
  BOUNCE_ADDRESS: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,30}@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/,
      'must be a plain address such as bounces@example.com (the part before @ at most 30 characters, no +)',
    )
    .optional(),
  /** SNS topics (ARNs, comma-separated) whose SES notifications POST /webhooks/ses accepts; unset: the route is off. */
  SES_TOPIC_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(,arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256})*$/,
      'must be SNS topic ARNs such as arn:aws:sns:us-east-1:123456789012:ses-bounces (comma-separated)',
    )
    .optional(),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(0),
  WORKER_CONCURRENCY: positiveInt.default(32),
  /** A job whose worker died goes to another after about lock + stalled-check interval (tests use short ones). */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(250).max(600_000).default(5_000),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** A worker serves its own /metrics (SMTP latency, process) on this port; 0 = off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  HOST: z.string().default('127.0.0.1'),
  EMAILS_DIR: z.string().default('emails'),
  CONFIRM_TTL_HOURS: positiveInt.default(48),
  /** The audit log keeps entries this many days (src/team/audit-log.ts). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  SUBSCRIBE_RATE_LIMIT_PER_MINUTE: positiveInt.default(10),
  /** Per client address, shared by every server process: the confirm and unsubscribe pages (and one-click). Generous: a mail provider sends many one-click requests from few addresses. */
  LINK_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  /** A tracked link followed this soon after its message was sent counts as a machine's (a link scanner's). */
  CLICK_MACHINE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Behind reverse proxies: how many (a hop count), or their addresses/CIDRs (comma-separated); see trustProxyOf. */
  TRUST_PROXY: z.string().default('false'),
  /** arXiv's query API, asked by `newsletter papers add` (tests point it at a local server). */
  ARXIV_API_URL: url(['http:', 'https:']).default('https://export.arxiv.org/api/query'),
  /** How long one arXiv request may take, connection to last byte. */
  ARXIV_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(10_000),
  /** At least this long between two requests to arXiv from one process (arXiv asks for 3 s; tests against a local server use 0). */
  ARXIV_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /** How long the studio's fetch of a feed may take, redirects included. */
  FEED_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(10_000),
  /** Feed hosts the studio may fetch although they resolve to private addresses (an intranet's), comma-separated. */
  FEED_ALLOW_HOSTS: z.string().default(''),
  /** `host:port` of the DNS server `doctor` asks instead of the system's (a split-horizon setup, or tests). */
  DOCTOR_DNS_SERVER: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$|^$/, 'must be host:port, e.g. 127.0.0.1:53')
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
} as const;

export type VariableName = keyof typeof variables;

/** The parsed variables; SECRET and ADMIN_TOKEN may be absent (SECRETS_ONLY_WHEN_NEEDED), and so may any that failed (then loadConfig throws). */
type ParsedVariables = { [K in Exclude<VariableName, 'SECRET' | 'ADMIN_TOKEN'>]: z.output<(typeof variables)[K]> } & { SECRET?: string; ADMIN_TOKEN?: string };

export interface Config {
  /** REDIS_URL as given: one URL, or (redisCluster) comma-separated seed nodes. */
  redisUrl: string;
  redisCluster: boolean;
  /** Hash-tag prefix for every Redis key and queue, so Redis Cluster keeps them on one slot. */
  keyPrefix: string;
  /** QUEUE_PARTITIONS when set (src/redis/partitions.ts resolves the deployment's P). */
  queuePartitions?: number;
  smtpUrl: string;
  /** EHLO name: SMTP_EHLO, else MAIL_FROM's domain. */
  smtpEhlo: string;
  publicUrl: string;
  /** Base URL of emails/assets as mail clients see it (no trailing slash). */
  assetsUrl: string;
  /** Newsletter id shown where a page names none, when it exists. */
  defaultNewsletter?: string;
  mailFrom: string;
  /** HMAC keys with a version derived from each key; the first one signs, all verify (key rotation). */
  secrets: { version: number; key: string }[];
  adminToken: string;
  /** The bearer token /metrics takes (METRICS_TOKEN); unset, /metrics answers 404 (it is off). Never ADMIN_TOKEN. */
  metricsToken?: string;
  /** The bearer token POST /webhooks/generic takes (WEBHOOK_TOKEN); unset, the route answers 404 (it is off). Never ADMIN_TOKEN. */
  webhookToken?: string;
  /** BOUNCE_ADDRESS: newsletter messages go out with VERP return paths of it (src/mail/verp.ts). */
  bounceAddress?: string;
  /** SES_TOPIC_ARN split: the SNS topics POST /webhooks/ses accepts (empty: the route answers 404). */
  sesTopicArns: string[];
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Global messages per second across all workers; 0 means unlimited. */
  rateLimitPerSecond: number;
  workerConcurrency: number;
  /** BullMQ lockDuration and stalledInterval of the deliver and fan-out workers. */
  workerLockDurationMs: number;
  workerStalledIntervalMs: number;
  port: number;
  workerMetricsPort: number;
  host: string;
  emailsDir: string;
  confirmTtlHours: number;
  auditRetentionDays: number;
  subscribeRateLimitPerMinute: number;
  linkRateLimitPerMinute: number;
  /** Clicks this soon after a message was sent count as machines' (ms; CLICK_MACHINE_WINDOW_SECONDS). */
  clickMachineWindowMs: number;
  /**
   * Whose X-Forwarded-For is believed: false (nobody: the client is the peer), a hop count (the
   * address that many proxies in from the right), or the proxies' addresses/CIDRs, comma-separated.
   */
  trustProxy: false | number | string;
  logLevel: string;
  /** ARXIV_API_URL: where papers are looked up by id. */
  arxivApiUrl: string;
  arxivTimeoutMs: number;
  arxivMinIntervalMs: number;
  /** FEED_TIMEOUT_MS, FEED_ALLOW_HOSTS: the studio's feed fetch (src/studio/public-fetch.ts). */
  feedTimeoutMs: number;
  feedAllowHosts: readonly string[];
  /** DOCTOR_DNS_SERVER; absent: the system's resolver. */
  doctorDnsServer?: string;
}

/**
 * A key's version is derived from the key itself (24 bits of its SHA-256), not from its
 * position: a link signed with the new SECRET during a rotation keeps working after
 * SECRET_PREVIOUS is removed and that key is the only one.
 */
export function keyVersion(key: string): number {
  // 1..999,999: fits the token's version field (src/subscribers/tokens.ts).
  return 1 + (parseInt(createHash('sha256').update(`newsletter-key-version\n${key}`).digest('hex').slice(0, 8), 16) % 999_999);
}

/** Why a DKIM key cannot sign (null when it can): a PEM RSA private key that signs a test message, newlines as \\n allowed. */
function dkimKeyProblem(pem: string): string | null {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return `is a ${key.asymmetricKeyType} key; DKIM signing here needs an RSA private key (openssl genrsa 2048)`;
    // A test signature: a key that parses but cannot sign fails here, not on the first message.
    sign('sha256', Buffer.from('newsletter DKIM self-test'), key);
    return null;
  } catch {
    return 'is not a PEM private key (-----BEGIN PRIVATE KEY----- …); paste the whole key, with \\n for its newlines';
  }
}

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY's list. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_PROXY_HOPS = 10;

/** `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8` or one of PROXY_RANGE_NAMES. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length) return false;
  return prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY as Config.trustProxy, or why it is refused. `true` is refused: it believed the
 * leftmost X-Forwarded-For, which is whatever the client wrote, so anyone could pick the address
 * the rate limits count and the consent record keeps.
 */
function trustProxyOf(raw: string): { value: Config['trustProxy'] } | { problem: string } {
  const value = raw.trim();
  if (/^(false|0)$/i.test(value)) return { value: false };
  if (/^true$/i.test(value)) {
    return {
      problem:
        'true is no longer accepted: it believed whatever address a client wrote first in X-Forwarded-For (rate limits and consent records then count a made-up address); write how many proxies stand in front of serve, e.g. TRUST_PROXY=1 for one nginx or load balancer, or their addresses, e.g. TRUST_PROXY=127.0.0.1 or TRUST_PROXY=10.0.0.0/8',
    };
  }
  if (/^[0-9]+$/.test(value)) {
    const hops = Number(value);
    return hops <= MAX_PROXY_HOPS
      ? { value: hops }
      : {
          problem: `${value} proxies in a row is not a real set-up; write how many proxies stand in front of serve (1 to ${MAX_PROXY_HOPS}), or their addresses`,
        };
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isProxyAddress(e));
  if (!entries.length || bad.length) {
    return {
      problem: `${bad.length ? `${JSON.stringify(bad[0]!.slice(0, 60))} is not an IP address or CIDR; ` : ''}must be false, how many proxies stand in front of serve (e.g. 1), or their addresses/CIDRs, comma-separated (e.g. 127.0.0.1,10.0.0.0/8)`,
    };
  }
  return { value: entries.join(',') };
}

/** Variables without a default that a command may do without (build/lint need neither). */
const SECRETS_ONLY_WHEN_NEEDED: VariableName[] = ['SECRET', 'ADMIN_TOKEN'];

/** How to fix a missing variable that has no default. */
const WHEN_MISSING: Partial<Record<VariableName, string>> = {
  SECRET: 'is missing; set it to 32 or more random characters, e.g. the output of `openssl rand -hex 32` (or `cp .env.example .env` for a local run)',
  ADMIN_TOKEN: 'is missing; set it to 24 or more random characters, e.g. the output of `openssl rand -hex 24` (or `cp .env.example .env` for a local run)',
};

/**
 * Reads the variables in `env`. `needs` lists the variables without a default that this
 * process requires (e.g. a worker needs SECRET); the others may be absent.
 * Throws one ConfigError naming every bad variable. Composition roots pass
 * `readEnvironment()` (the environment over `.env`).
 */
/** The domain of an address such as `Weekly <news@example.com>` (its IDN in ASCII), for EHLO. */
function domainOf(mailFrom: string): string {
  const domain = /@([^\s@<>]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';
  return new URL(`http://${domain}`).hostname || 'localhost';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, needs: VariableName[] = []): Readonly<Config> {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, schema] of Object.entries(variables) as [VariableName, z.ZodTypeAny][]) {
    const raw = env[name] === '' ? undefined : env[name];
    if (raw === undefined && SECRETS_ONLY_WHEN_NEEDED.includes(name) && !needs.includes(name)) continue;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const message =
        raw === undefined
          ? (WHEN_MISSING[name] ?? 'is missing; set it (see .env.example)')
          : `${parsed.error.issues[0]?.message ?? 'is invalid'} (see .env.example)`;
      problems.push({ variable: name, message });
      continue;
    }
    values[name] = parsed.data;
  }
  const v = values as ParsedVariables;
  const dkimParts = [v.DKIM_DOMAIN, v.DKIM_SELECTOR, v.DKIM_PRIVATE_KEY];
  // The key may be written on one line with \n for its newlines.
  const dkimPem = v.DKIM_PRIVATE_KEY ? String(v.DKIM_PRIVATE_KEY).replace(/\\n/g, '\n') : '';
  if (dkimParts.some(Boolean) && !dkimParts.every(Boolean)) {
    problems.push({ variable: 'DKIM_DOMAIN', message: 'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must be set together; set all three or none' });
  } else if (dkimPem) {
    // A broken key must stop the process now, not every message later.
    const problem = dkimKeyProblem(dkimPem);
    if (problem) problems.push({ variable: 'DKIM_PRIVATE_KEY', message: problem });
  }
  const secrets = [v.SECRET, v.SECRET_PREVIOUS].filter((s): s is string => typeof s === 'string').map((key) => ({ version: keyVersion(key), key }));
  if (secrets.length === 2 && secrets[0]!.version === secrets[1]!.version) {
    problems.push({ variable: 'SECRET_PREVIOUS', message: 'must differ from SECRET (it is the key being retired); empty it or put the old key there' });
  }
  // Each credential opens one door: the token a mail provider or a scraper holds must not be the
  // admin token, nor the key that signs unsubscribe links.
  const holders: [VariableName, string | undefined][] = [
    ['SECRET', v.SECRET],
    ['SECRET_PREVIOUS', v.SECRET_PREVIOUS],
    ['ADMIN_TOKEN', v.ADMIN_TOKEN],
    ['METRICS_TOKEN', v.METRICS_TOKEN],
    ['WEBHOOK_TOKEN', v.WEBHOOK_TOKEN],
  ];
  for (const [i, [name, value]] of holders.entries()) {
    if (name !== 'METRICS_TOKEN' && name !== 'WEBHOOK_TOKEN') continue;
    const same = holders.slice(0, i).find(([, earlier]) => value && earlier === value);
    if (same)
      problems.push({
        variable: name,
        message: `must differ from ${same[0]} (each credential opens only its own door); set its own random value, e.g. the output of \`openssl rand -hex 32\``,
      });
  }
  if (v.REDIS_URL && v.REDIS_CLUSTER !== 'true' && String(v.REDIS_URL).includes(',')) {
    problems.push({ variable: 'REDIS_URL', message: 'lists several nodes: set REDIS_CLUSTER=true for a Redis Cluster, or give one URL' });
  }
  const trustProxy = v.TRUST_PROXY === undefined ? { value: false as const } : trustProxyOf(String(v.TRUST_PROXY));
  if ('problem' in trustProxy) problems.push({ variable: 'TRUST_PROXY', message: trustProxy.problem });
  if (problems.length || 'problem' in trustProxy) throw new ConfigError(problems);
  const publicUrl = String(v.PUBLIC_URL).replace(/\/+$/, '');
  return Object.freeze({
    redisUrl: v.REDIS_URL,
    redisCluster: v.REDIS_CLUSTER === 'true',
    keyPrefix: v.KEY_PREFIX,
    ...(v.QUEUE_PARTITIONS ? { queuePartitions: v.QUEUE_PARTITIONS } : {}),
    smtpUrl: v.SMTP_URL,
    smtpEhlo: v.SMTP_EHLO ?? domainOf(v.MAIL_FROM),
    publicUrl,
    assetsUrl: v.ASSETS_URL ? String(v.ASSETS_URL).replace(/\/+$/, '') : `${publicUrl}/assets`,
    ...(v.DEFAULT_NEWSLETTER ? { defaultNewsletter: v.DEFAULT_NEWSLETTER } : {}),
    mailFrom: v.MAIL_FROM,
    secrets,
    adminToken: v.ADMIN_TOKEN ?? '',
    ...(v.METRICS_TOKEN ? { metricsToken: v.METRICS_TOKEN } : {}),
    ...(v.WEBHOOK_TOKEN ? { webhookToken: v.WEBHOOK_TOKEN } : {}),
    ...(v.BOUNCE_ADDRESS ? { bounceAddress: v.BOUNCE_ADDRESS } : {}),
    sesTopicArns: v.SES_TOPIC_ARN ? v.SES_TOPIC_ARN.split(',') : [],
    // All three are set or none (checked above).
    dkim: v.DKIM_DOMAIN ? { domainName: v.DKIM_DOMAIN, keySelector: v.DKIM_SELECTOR!, privateKey: dkimPem } : undefined,
    rateLimitPerSecond: v.RATE_LIMIT_PER_SECOND,
    workerConcurrency: v.WORKER_CONCURRENCY,
    workerLockDurationMs: v.WORKER_LOCK_DURATION_MS,
    workerStalledIntervalMs: v.WORKER_STALLED_INTERVAL_MS,
    port: v.PORT,
    workerMetricsPort: v.WORKER_METRICS_PORT,
    host: v.HOST,
    emailsDir: v.EMAILS_DIR,
    confirmTtlHours: v.CONFIRM_TTL_HOURS,
    auditRetentionDays: v.AUDIT_RETENTION_DAYS,
    subscribeRateLimitPerMinute: v.SUBSCRIBE_RATE_LIMIT_PER_MINUTE,
    linkRateLimitPerMinute: v.LINK_RATE_LIMIT_PER_MINUTE,
    clickMachineWindowMs: v.CLICK_MACHINE_WINDOW_SECONDS * 1000,
    trustProxy: trustProxy.value,
    logLevel: v.LOG_LEVEL,
    arxivApiUrl: v.ARXIV_API_URL,
    arxivTimeoutMs: v.ARXIV_TIMEOUT_MS,
    arxivMinIntervalMs: v.ARXIV_MIN_INTERVAL_MS,
    feedTimeoutMs: v.FEED_TIMEOUT_MS,
    feedAllowHosts: v.FEED_ALLOW_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    ...(v.DOCTOR_DNS_SERVER ? { doctorDnsServer: v.DOCTOR_DNS_SERVER } : {}),
  });
}
