// `serve` and `worker` must not run a public site on a secret everybody knows: the change-me
// placeholders of .env.example, the dev-only values of `newsletter dev`, or a value that is not
// random at all. Such values pass loadConfig's length checks (the placeholders are long on
// purpose), so they are judged here: refused unless the site is this machine alone, where
// `cp .env.example .env` is meant to work as it is (then one warning line).
import { BlockList, isIP } from 'node:net';
import { UserError } from '../errors.ts';

/** Every variable that holds a key or a bearer token, in the order they are named. */
export const SECRET_VARIABLES = ['SECRET', 'SECRET_PREVIOUS', 'ADMIN_TOKEN', 'METRICS_TOKEN', 'WEBHOOK_TOKEN'] as const;

export interface WeakSecret {
  variable: (typeof SECRET_VARIABLES)[number];
  kind: 'placeholder' | 'dev-only' | 'not-random';
  /** Completes "SECRET is …", e.g. "still the change-me placeholder from .env.example". */
  reason: string;
}

/** A value with fewer different characters than this is no random key (hex output has ~15 of 16). */
const MIN_DISTINCT_CHARACTERS = 10;

/** Why `value` is no secret, or null when it may be one (its length is loadConfig's to check). */
export function weakSecretReason(value: string): Omit<WeakSecret, 'variable'> | null {
  if (/change[-_ .]?me|replace[-_ .]?me|placeholder/i.test(value)) return { kind: 'placeholder', reason: 'still the change-me placeholder from .env.example' };
  if (/^dev-only-/i.test(value)) return { kind: 'dev-only', reason: 'the public dev-only value of `newsletter dev`' };
  const distinct = new Set(value).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return { kind: 'not-random', reason: `not random (${distinct} different character${distinct === 1 ? '' : 's'})` };
  return null;
}

/** The secret variables set in `env` whose values are no secret. */
export function weakSecrets(env: NodeJS.ProcessEnv): WeakSecret[] {
  const out: WeakSecret[] = [];
  for (const variable of SECRET_VARIABLES) {
    const value = env[variable];
    if (!value) continue;
    const weak = weakSecretReason(value);
    if (weak) out.push({ variable, ...weak });
  }
  return out;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6'); // also matches ::ffff:127.x.y.z, IPv4 mapped

/** 127.0.0.0/8, ::1 (any spelling, brackets allowed), localhost and *.localhost (RFC 6761). */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = isIP(name);
  return family !== 0 && LOOPBACK.check(name, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether a URL's host is this machine (a URL that does not parse is not). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

const PLURAL: Record<WeakSecret['kind'], string | null> = {
  placeholder: 'still the change-me placeholders from .env.example',
  'dev-only': 'the public dev-only values of `newsletter dev`',
  'not-random': null, // each with its own count
};

/** "SECRET and ADMIN_TOKEN are still the change-me placeholders from .env.example; METRICS_TOKEN is not random (3 different characters)" */
function describe(weak: WeakSecret[]): string {
  const groups: WeakSecret[][] = [];
  for (const w of weak) {
    const group = PLURAL[w.kind] && groups.find((g) => g[0]!.kind === w.kind);
    if (group) group.push(w);
    else groups.push([w]);
  }
  return groups
    .map((g) => {
      const names = g.map((w) => w.variable);
      return g.length === 1 ? `${names[0]} is ${g[0]!.reason}` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are ${PLURAL[g[0]!.kind]}`;
    })
    .join('; ');
}

export interface SecretsGuardOptions {
  /** The command, for the message: `serve`, `worker`. */
  command: string;
  /** Where this process listens (serve's HOST): a server reachable from elsewhere is refused too. */
  listenHost?: string;
}

/**
 * Throws a UserError (one line: which variables, why, how to fix) when a secret variable in
 * `env` is no secret and the site is not this machine alone; returns the warning line to print
 * when it is (PUBLIC_URL, and `listenHost` when given, on loopback), or null when all is well.
 */
export function guardSecrets(env: NodeJS.ProcessEnv, config: { readonly publicUrl: string }, opts: SecretsGuardOptions): string | null {
  const weak = weakSecrets(env);
  if (!weak.length) return null;
  const what = describe(weak);
  const fix = `set ${weak.length === 1 ? 'it' : 'each'} to its own random value, e.g. the output of \`openssl rand -hex 32\``;
  const outside = [
    ...(isLoopbackUrl(config.publicUrl) ? [] : [`PUBLIC_URL (${config.publicUrl}) is not this machine`]),
    ...(opts.listenHost === undefined || isLoopbackHost(opts.listenHost) ? [] : [`HOST (${opts.listenHost}) listens beyond this machine`]),
  ];
  if (outside.length) throw new UserError(`${what}, and ${outside.join(' and ')}, so ${opts.command} refuses to start: ${fix}`);
  return `warning: ${what}, accepted only because PUBLIC_URL (${config.publicUrl}) is this machine; before it names a public site, ${fix}`;
}
