// Security headers (@fastify/helmet) on every answer: pages, JSON, errors and static assets;
// pages keep their own CSP, everything else the strict default; issue images may be loaded
// from other origins (mail clients), nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => h?.close());

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000',
};

describe('security headers', () => {
  it.each([
    ['GET', '/', 200],
    ['GET', '/subscribe', 200],
    ['GET', '/issues', 200],
    ['GET', '/no/such/page', 404],
    ['GET', '/confirm/forged-token', 404],
    ['GET', '/api/subscribers', 401],
    ['GET', '/healthz', 200],
    ['POST', '/subscribe', 400],
  ])('%s %s', async (method, url, status) => {
    const res = await h.app.inject({ method: method as 'GET' | 'POST', url });
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject(COMMON);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/default-src 'none'/);
    if (String(res.headers['content-type']).startsWith('text/html')) {
      // A page's own policy: its styles by hash, never inline scripts.
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    } else {
      expect(csp).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");
    }
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('lets other origins load issue images', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/assets/pretrain-weekly/064/3a8cd9656ee32b1d0b72b971515c799c.png' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
