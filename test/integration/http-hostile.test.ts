// Hostile and broken requests, one class at a time, through Fastify inject: each gets a 4xx in
// the route's own style (an HTML page, JSON under /api), never a 5xx or a stack trace; then a
// seeded property-based fuzz of the public routes holds the same for random input.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  // A generous rate limit: this file is about malformed input, not about throttling.
  h = await startHttpHarness({ rateLimitPerMinute: 100_000 });
});
afterAll(async () => h?.close());

type Request = { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string; headers?: Record<string, string>; payload?: string | Buffer };

async function expectClientError(req: Request, statuses: number[] = [400, 404, 405, 413, 415, 422, 429]) {
  const res = await h.app.inject(req);
  const what = `${req.method} ${req.url} ${req.headers?.['content-type'] ?? ''}`;
  expect(statuses, `${what} → ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
  expect(res.body, what).not.toMatch(/\n\s+at \S+ \(|node_modules|\.ts:\d+/); // no stack trace
  if (req.url.startsWith('/api/')) expect(res.headers['content-type'], what).toContain('application/json');
  else if (!/json/.test(req.headers?.accept ?? '') && !/json/.test(req.headers?.['content-type'] ?? ''))
    expect(res.headers['content-type'], what).toContain('text/html');
  return res;
}

const token = 'MQ.1.pretrain-weekly.AAAAAAAAAAAAAAAAAAAAAA';

describe('malformed multipart bodies', () => {
  const bodies: [string, string][] = [
    ['multipart/form-data', 'x'],
    ['multipart/form-data; boundary=', '--\r\n'],
    ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@y.z'],
    ['multipart/form-data; boundary=abc', '--abc\r\nno header end'],
    ['multipart/form-data; boundary=abc', '--abc--'],
  ];
  for (const url of ['/subscribe', `/unsubscribe/${token}`, '/nope', '/api/subscribers']) {
    it(`POST ${url}: every malformed multipart body gets a 4xx`, async () => {
      for (const [type, payload] of bodies) {
        await expectClientError(
          { method: 'POST', url, headers: { 'content-type': type, ...(url.startsWith('/api') ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}) }, payload },
          [400, 401, 404, 415, 422],
        );
      }
    });
  }
});

describe('other malformed requests', () => {
  it('broken JSON, urlencoded with bad escapes, unknown media types, oversize bodies', async () => {
    await expectClientError({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    await expectClientError({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=%E0%A4%A' });
    await expectClientError({ method: 'POST', url: '/subscribe', headers: { 'content-type': 'text/xml' }, payload: '<x/>' });
    await expectClientError({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${'a'.repeat(64 * 1024)}`,
    });
    await expectClientError({
      method: 'POST',
      url: '/api/subscribers',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: '[',
    });
  });

  it('URLs Fastify cannot decode get our own page (HTML) or JSON, not its default body', async () => {
    for (const url of ['/unsubscribe/%E0%A4%A', '/issues/%E0%A4%A', '/confirm/%', '/%']) {
      const res = await expectClientError({ method: 'GET', url });
      expect(res.body).not.toContain('FST_ERR');
    }
    const api = await expectClientError({ method: 'GET', url: '/api/campaigns/%E0%A4%A', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(api.json()).toMatchObject({ statusCode: 400 });
  });

  it('the admin token is taken from the Authorization header only, never the query string', async () => {
    for (const url of [`/api/campaigns/x?access_token=${ADMIN_TOKEN}`, `/api/subscribers?token=${ADMIN_TOKEN}`]) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });
});

describe('fuzz: the public routes answer random input with a 2xx, 3xx or 4xx, never a 5xx', () => {
  const path = fc.constantFrom(
    '/',
    '/subscribe',
    '/issues',
    '/issues/pretrain-weekly-064',
    `/unsubscribe/${token}`,
    '/confirm/abc',
    '/healthz',
    '/metrics',
    '/assets/x.png',
    '/api/subscribers',
  );
  const junk = fc.string({ unit: 'binary', maxLength: 60 });
  const contentType = fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=zz',
    'text/plain',
    'application/octet-stream',
    '',
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path,
    suffix: fc.oneof(
      fc.constant(''),
      junk.map((s) => encodeURIComponent(s)),
      fc.constantFrom('%', '%zz', '?x=%E0', '/..%2f..%2fpackage.json'),
    ),
    contentType,
    body: fc.oneof(
      junk,
      fc.constantFrom('List-Unsubscribe=One-Click', '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--zz--', '{"email":"a@b.c"}', '{'),
    ),
    accept: fc.constantFrom('text/html', 'application/json', '*/*'),
  });

  it('200 seeded runs', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await h.app.inject({
          method: r.method,
          url: `${r.path}${r.suffix}`,
          headers: { accept: r.accept, ...(r.contentType ? { 'content-type': r.contentType } : {}) },
          ...(r.method === 'GET' ? {} : { payload: r.body }),
        });
        expect(res.statusCode, `${r.method} ${r.path}${r.suffix} [${r.contentType}] → ${res.body.slice(0, 120)}`).toBeLessThan(500);
        expect(res.body).not.toMatch(/\n\s+at \S+ \(/);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});
