// `newsletter doctor`: every check of a deployment's path to the inbox, each group under its
// own time limit and run side by side, the results in a fixed order.
import type { Config } from '../config/index.ts';
import { type DnsLookup, dnsChecks, doctorResolver } from './dns-checks.ts';
import { messageChecks, nobodyToken } from './message-check.ts';
import { redisChecks } from './redis-checks.ts';
import { smtpChecks } from './smtp-checks.ts';
import { publicUrlChecks } from './tls-check.ts';
import { CHECK_TIMEOUT_MS, withTimeout } from './time-limit.ts';
import type { CheckResult } from './types.ts';

export interface DoctorOptions {
  /** Asks this resolver (default: the system's, or `dnsServer`'s). */
  resolver?: DnsLookup;
  /** `host:port` of the DNS server to ask (DOCTOR_DNS_SERVER). */
  dnsServer?: string;
  /** Trusted CAs for PUBLIC_URL and the SMTP relay instead of the default store (tests). */
  ca?: string | Buffer;
  timeoutMs?: number;
}

export type DoctorConfig = Pick<Config, 'mailFrom' | 'bounceAddress' | 'dkim' | 'smtpUrl' | 'smtpEhlo' | 'publicUrl' | 'secrets' | 'redisUrl' | 'keyPrefix'>;

export async function runDoctor(config: DoctorConfig, opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  // The inner timeouts end the network work; the outer limit is the promise never to hang.
  const inner = Math.max(100, timeoutMs - 500);
  const resolver = opts.resolver ?? doctorResolver(opts.dnsServer, Math.min(2_000, inner));
  const ca = opts.ca ? { ca: opts.ca } : {};
  const groups = await Promise.all([
    withTimeout('dns', timeoutMs, () => dnsChecks(resolver, config), 'check that this machine can resolve names (or DOCTOR_DNS_SERVER)'),
    withTimeout(
      'public-url',
      timeoutMs,
      () => publicUrlChecks(config.publicUrl, nobodyToken(config.secrets), { ...ca, timeoutMs: inner }),
      'make PUBLIC_URL answer',
    ),
    withTimeout('redis', timeoutMs, () => redisChecks({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix, timeoutMs: inner }), 'make REDIS_URL answer'),
    withTimeout('smtp', timeoutMs, () => smtpChecks({ smtpUrl: config.smtpUrl, ehlo: config.smtpEhlo, ...ca, timeoutMs: inner }), 'make SMTP_URL answer'),
    withTimeout('message', timeoutMs, async () => messageChecks(config), 'fix the message settings'),
  ]);
  return groups.flat();
}

const MARK = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

/** One line per check: status, name, what was found and, when not passed, what to fix. */
export function formatDoctor(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const lines = results.map((r) => `${MARK[r.status]} ${r.check.padEnd(width)}  ${r.detail}${r.fix ? ` → fix: ${r.fix}` : ''}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push(failed ? `${failed} check(s) failed, ${warned} warning(s)` : `all checks passed${warned ? `, ${warned} warning(s)` : ''}`);
  return `${lines.join('\n')}\n`;
}
