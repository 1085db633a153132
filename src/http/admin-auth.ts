// Bearer-token guard for /api and /metrics (the compare is constant-time: crypto/same-secret).
import type { onRequestAsyncHookHandler } from 'fastify';
import { sameSecret } from '../crypto/same-secret.ts';
import { HttpInputError } from './respond.ts';

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
