// Headers on every answer. Referrer-Policy matters most here: confirm and unsubscribe URLs
// carry tokens, which must not leak to the next site through the Referer header.
import type { FastifyInstance } from 'fastify';

const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function installSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    // Pages set their own policy (their style hash); everything else gets the strictest one.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', STRICT_CSP);
    if (opts.https) reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });
}
