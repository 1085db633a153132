// Who the client is, behind reverse proxies (TRUST_PROXY). X-Forwarded-For is read from the
// right: each trusted proxy appends the address it was connected from, so the entry just left of
// the trusted ones is the client's, and whatever a client wrote further left is never believed.
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/index.ts';

/**
 * Fastify's `trustProxy` for Config.trustProxy. A hop count is a function of proxy-addr's: Fastify
 * itself refuses a number (it cannot tell a proxy from a client that connected directly and wrote
 * enough entries), so a hop count is for a server only the proxies can reach (README).
 */
export function trustProxyOption(trust: Config['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') {
    const hops = trust;
    return hops > 0 ? (_address: string, hop: number) => hop < hops : false;
  }
  return trust;
}

/**
 * The client's IP address as the trusted proxies gave it, or null when that is not an IP at all
 * (a proxy that passed on a client's own `X-Forwarded-For: not-an-ip <script>`).
 */
export function clientIp(request: FastifyRequest): string | null {
  const ip = request.ip;
  return typeof ip === 'string' && isIP(ip) !== 0 ? ip : null;
}
