// The consent record of a request (GDPR: when, from where, with what client, what it said).
import type { FastifyRequest } from 'fastify';
import type { ConsentRecord } from '../subscribers/types.ts';

export function consentOf(request: FastifyRequest, textVersion: string, source: ConsentRecord['source']): ConsentRecord {
  const userAgent = request.headers['user-agent'];
  // A client-supplied header: keep it, bounded.
  return { at: new Date().toISOString(), ip: request.ip, ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}), textVersion, source };
}
