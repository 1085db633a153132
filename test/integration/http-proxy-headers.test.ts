// Who the client is behind reverse proxies (TRUST_PROXY, issue 32 item 4), over Fastify inject
// with the connecting peer's address (`remoteAddress`) and the X-Forwarded-For a proxy passes on:
// a client that writes its own X-Forwarded-For neither escapes the login and subscribe rate limits
// nor gets a made-up address into a consent record; a hop count picks the address the last
// trusted proxy saw. TRUST_PROXY=true, which believed the leftmost entry, is refused by loadConfig
// (test/unit/config.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { formBody, startHttpHarness, type HttpHarness } from './http-harness.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PROXY = '127.0.0.1';

function subscribe(h: HttpHarness, email: string, from: { remoteAddress: string; forwardedFor?: string }) {
  return h.app.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { ...FORM, ...(from.forwardedFor !== undefined ? { 'x-forwarded-for': from.forwardedFor } : {}) },
    payload: formBody({ email, newsletter: h.en.id }),
    remoteAddress: from.remoteAddress,
  });
}

async function consentIp(h: HttpHarness, email: string): Promise<string | undefined> {
  const subscriber = await h.store.findByEmail(email);
  if (!subscriber) throw new Error(`${email} was not stored`);
  return subscriber.consent?.ip;
}

/** Wrong admin tokens posted to the login form, each with its own X-Forwarded-For; the status codes. */
async function wrongLogins(h: HttpHarness, count: number, from: (i: number) => { remoteAddress: string; forwardedFor: string }): Promise<number[]> {
  const browser = new ConsoleClient(h.app);
  await browser.get('/admin/login');
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const { remoteAddress, forwardedFor } = from(i);
    const res = await h.app.inject({
      method: 'POST',
      url: '/admin/login',
      remoteAddress,
      headers: { cookie, ...FORM, 'x-forwarded-for': forwardedFor },
      payload: `token=wrong-${i}&_csrf=${encodeURIComponent(browser.lastCsrf)}`,
    });
    codes.push(res.statusCode);
  }
  return codes;
}

describe('TRUST_PROXY=1: one proxy in front, which appends the address it was connected from', () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TRUST_PROXY: '1' }, rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('records the address the proxy saw, not the one the client wrote', async () => {
    const res = await subscribe(h, 'hop1@example.org', { remoteAddress: PROXY, forwardedFor: '6.6.6.6, 203.0.113.7' });
    expect(res.statusCode).toBe(202);
    expect(await consentIp(h, 'hop1@example.org')).toBe('203.0.113.7');
  });

  it('stores no consent IP when the forwarded value is not an address', async () => {
    // A proxy that passes on what the client sent, as it was: the entry it gives is garbage.
    const res = await subscribe(h, 'garbage@example.org', { remoteAddress: PROXY, forwardedFor: 'not-an-ip <script>' });
    expect(res.statusCode).toBe(202);
    expect(await consentIp(h, 'garbage@example.org')).toBeUndefined();
    const exported = JSON.stringify(await h.store.findByEmail('garbage@example.org'));
    expect(exported).not.toContain('not-an-ip');
    expect(exported).not.toContain('<script>');
  });

  it('a client changing its own X-Forwarded-For at every POST /subscribe is still limited', async () => {
    const limit = h.config.subscribeRateLimitPerMinute;
    const codes: number[] = [];
    for (let i = 0; i <= limit; i++) {
      codes.push((await subscribe(h, `spoof${i}@example.org`, { remoteAddress: PROXY, forwardedFor: `198.51.100.${i + 1}, 203.0.113.20` })).statusCode);
    }
    expect(codes).toEqual([...Array(limit).fill(202), 429]);
    expect(await h.store.findByEmail(`spoof${limit}@example.org`)).toBeNull();
    // Someone else behind the same proxy is not affected.
    expect((await subscribe(h, 'neighbour@example.org', { remoteAddress: PROXY, forwardedFor: '203.0.113.21' })).statusCode).toBe(202);
  });

  it('30 wrong admin logins with changing X-Forwarded-For are limited after 10', async () => {
    const codes = await wrongLogins(h, 30, (i) => ({ remoteAddress: PROXY, forwardedFor: `192.0.2.${i + 1}, 203.0.113.30` }));
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual(Array(20).fill(429));
  });
});

describe('TRUST_PROXY=2: two proxies (a load balancer, then nginx)', () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TRUST_PROXY: '2' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('takes the third entry from the right: the address the outer proxy was connected from', async () => {
    // Client wrote "6.6.6.6"; the load balancer appended the client (203.0.113.8); nginx appended the load balancer (10.0.0.2).
    expect((await subscribe(h, 'hop2@example.org', { remoteAddress: '10.0.0.3', forwardedFor: '6.6.6.6, 203.0.113.8, 10.0.0.2' })).statusCode).toBe(202);
    expect(await consentIp(h, 'hop2@example.org')).toBe('203.0.113.8');
  });
});

describe('TRUST_PROXY=127.0.0.1: the proxy named by its address', () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness({ env: { TRUST_PROXY: PROXY }, rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('believes nothing a client that connects directly writes, for consent records and rate limits', async () => {
    expect((await subscribe(h, 'direct@example.org', { remoteAddress: '203.0.113.40', forwardedFor: '6.6.6.6' })).statusCode).toBe(202);
    expect(await consentIp(h, 'direct@example.org')).toBe('203.0.113.40');
    const codes = await wrongLogins(h, 12, (i) => ({ remoteAddress: '203.0.113.41', forwardedFor: `192.0.2.${i + 1}` }));
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual([429, 429]);
  });

  it('through the proxy: the client it names, and no consent IP for a garbage one', async () => {
    expect((await subscribe(h, 'via@example.org', { remoteAddress: PROXY, forwardedFor: '203.0.113.42' })).statusCode).toBe(202);
    expect(await consentIp(h, 'via@example.org')).toBe('203.0.113.42');
    expect((await subscribe(h, 'via-garbage@example.org', { remoteAddress: PROXY, forwardedFor: 'not-an-ip <script>' })).statusCode).toBe(202);
    expect(await consentIp(h, 'via-garbage@example.org')).toBeUndefined();
  });
});
