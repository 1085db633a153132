// Whom the rate limiter counts: a request whose client already went away (no request.ip, as
// seen under load) gets a key instead of a TypeError; valid signed tokens count per token.
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { clientKey, signedLinkKey } from '../../src/http/rate-limit-keys.ts';

const request = (over: { ip?: string; remoteAddress?: string; token?: string }) =>
  ({ ip: over.ip, socket: { remoteAddress: over.remoteAddress }, params: over.token === undefined ? {} : { token: over.token } }) as unknown as FastifyRequest;

describe('clientKey', () => {
  it('keys a request with no client address instead of throwing as the default key does', () => {
    expect(() => normalizeIP(undefined as unknown as string)).toThrow(TypeError);
    expect(clientKey(request({}))).toBe('ip:unknown');
    expect(clientKey(request({ remoteAddress: '203.0.113.5' }))).toBe('ip:203.0.113.5');
  });

  it('groups IPv6 clients by subnet and maps IPv4-mapped addresses, as the plugin does', () => {
    expect(clientKey(request({ ip: '2001:db8:1:2:3:4:5:6' }))).toBe(clientKey(request({ ip: '2001:db8:1:2:ffff::1' })));
    expect(clientKey(request({ ip: '::ffff:192.0.2.1' }))).toBe('ip:192.0.2.1');
  });
});

describe('signedLinkKey', () => {
  const key = signedLinkKey((t) => t.startsWith('good-'));
  it('counts a valid token per token, wherever it comes from', () => {
    expect(key(request({ ip: '198.51.100.1', token: 'good-1' }))).toBe(key(request({ ip: '198.51.100.2', token: 'good-1' })));
    expect(key(request({ ip: '198.51.100.1', token: 'good-1' }))).not.toBe(key(request({ ip: '198.51.100.1', token: 'good-2' })));
    expect(key(request({ ip: '198.51.100.1', token: 'good-1' }))).toMatch(/^token:/);
  });
  it('counts a forged, missing or oversized token per address', () => {
    expect(key(request({ ip: '198.51.100.1', token: 'forged' }))).toBe('ip:198.51.100.1');
    expect(key(request({ ip: '198.51.100.1' }))).toBe('ip:198.51.100.1');
    expect(key(request({ ip: '198.51.100.1', token: `good-${'x'.repeat(300)}` }))).toBe('ip:198.51.100.1');
  });
});
