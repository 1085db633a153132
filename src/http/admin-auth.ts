// Bearer-token guards for /metrics and /webhooks/generic (the compare is constant-time:
// crypto/same-secret), and the answer of a route that is off because its token is unset.
// The admin API has its own guard, with members' API tokens: api-auth.ts.
import type { onRequestAsyncHookHandler } from 'fastify';
import { sameSecret } from '../crypto/same-secret.ts';
import { HttpInputError, wantsJson } from './respond.ts';

/** `variable` names the token in the 401's hint (ADMIN_TOKEN for /api, METRICS_TOKEN for /metrics). */
export function requireBearer(adminToken: string, variable = 'ADMIN_TOKEN'): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = match?.[1] ?? '';
    // An unset ADMIN_TOKEN never matches: the API stays closed rather than open to ''.
    const ok = sameSecret(given, adminToken);
    if (!ok) {
      reply.header('www-authenticate', `Bearer realm="newsletter"${match ? ', error="invalid_token"' : ''}`);
      throw new HttpInputError(401, match ? 'The bearer token is not valid.' : `This needs "Authorization: Bearer <${variable}>".`);
    }
  };
}

/**
 * The guard of a route that takes its own token (`variable`, e.g. METRICS_TOKEN): with the token
 * set, requireBearer; unset, the route is off and answers 404 saying which variable turns it on
 * (never another token instead: each credential opens only its own door). `log` gets that same
 * sentence once, when the route is registered at start.
 */
export function requireOwnToken(token: string | undefined, variable: string, route: string, log: { info(msg: string): void }): onRequestAsyncHookHandler {
  if (token) return requireBearer(token, variable);
  const off = `${route} is off: set ${variable} to its own random value (e.g. the output of \`openssl rand -hex 32\`) to turn it on`;
  log.info(off);
  return async (request, reply) => {
    // A program (webhooks, JSON) gets the JSON error; a scraper or curl the sentence as text.
    if (wantsJson(request)) throw new HttpInputError(404, off);
    return reply.code(404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send(`${off}\n`);
  };
}
