// Whom a rate limit counts. By default a client address; for a link that carries a valid signed
// token, the token itself: mailbox providers send their users' RFC 8058 one-click POSTs from a
// few addresses of their own, so after a big send a per-address limit would refuse real
// unsubscribes. A forged or damaged token is counted by address, as any other request.
import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { clientIp } from './client-ip.ts';

/**
 * The client's address as the limiter counts it (client-ip.ts: under TRUST_PROXY, what the trusted
 * proxies say); a forwarded value that is no IP counts as the proxy it came through, and a request
 * whose client is already gone still gets a key.
 */
export function clientKey(request: FastifyRequest): string {
  const ip = clientIp(request) ?? request.socket?.remoteAddress;
  return ip && isIP(ip) ? `ip:${normalizeIP(ip)}` : 'ip:unknown';
}

/** Per token when `isValid` accepts the route's `:token`, else per client address. */
export function signedLinkKey(isValid: (token: string) => boolean): (request: FastifyRequest) => string {
  return (request) => {
    const token = (request.params as { token?: unknown } | undefined)?.token;
    if (typeof token === 'string' && token.length <= 200 && isValid(token)) return `token:${createHash('sha256').update(token).digest('base64url')}`;
    return clientKey(request);
  };
}
