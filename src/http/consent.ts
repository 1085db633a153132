// The consent record of a request (GDPR: when, from where, with what client, what it said).
import type { FastifyRequest } from 'fastify';
import type { ConsentRecord } from '../subscribers/types.ts';
import { clientIp } from './client-ip.ts';

export function consentOf(request: FastifyRequest, textVersion: string, source: ConsentRecord['source']): ConsentRecord {
  const userAgent = request.headers['user-agent'];
  // The address only when it is one (client-ip.ts); the user agent is the client's own words: kept, bounded.
  const ip = clientIp(request);
  return { at: new Date().toISOString(), ...(ip ? { ip } : {}), ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}), textVersion, source };
}
