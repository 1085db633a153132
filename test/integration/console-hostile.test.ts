// The console under random input, seeded: any method, path, body and content type, with or
// without a session and a valid CSRF token, answers 2xx, 3xx or 4xx, never a 5xx or a stack trace.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let editor: ConsoleClient;
beforeAll(async () => {
  h = await startHttpHarness({ rateLimitPerMinute: 100_000 });
  editor = new ConsoleClient(h.app);
  await editor.login(ADMIN_TOKEN);
  await editor.get('/admin');
});
afterAll(async () => h?.close());

it('300 seeded runs over every console route', async () => {
  const path = fc.constantFrom(
    '/admin',
    '/admin/login',
    '/admin/logout',
    '/admin/issues/field-notes-012',
    '/admin/issues/field-notes-012/preview.html',
    '/admin/issues/field-notes-012/test-send',
    '/admin/issues/field-notes-012/send',
    '/admin/sends/field-notes-012',
    '/admin/sends/field-notes-012/status.json',
    '/admin/sends/field-notes-012/pause',
    '/admin/sends/field-notes-012/cancel',
    '/admin/subscribers',
    '/admin/subscribers/add',
    '/admin/subscribers/import',
    '/admin/subscribers/import/confirm',
    '/admin/subscribers/1',
    '/admin/subscribers/1/delete',
    '/admin/subscribers/1/leave',
    '/admin/subscribers/1/edit',
    '/admin/subscribers/1/resend-confirmation',
    '/admin/subscribers/export.csv',
    '/admin/queues',
    '/admin/queues/api/queues',
  );
  const junk = fc.string({ unit: 'binary', maxLength: 80 });
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    path,
    suffix: fc.oneof(
      fc.constant(''),
      junk.map((s) => encodeURIComponent(s)),
      fc.constantFrom('%', '%zz', '?lang=%E0', '?q=%00', '?email=a%40b', '?cursor=-1', '/..%2f..%2fpackage.json'),
    ),
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=zz',
      'application/json',
      'text/plain',
      '',
    ),
    body: fc.oneof(
      junk,
      fc.constantFrom(
        'to=a%40b.c',
        'at=2020-01-01&confirm=yes',
        'email=x&list=pretrain-weekly',
        'upload=AAAAAAAAAAAAAAAAAAAAAA',
        '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nemail\r\n--zz--',
        '{',
      ),
    ),
    session: fc.boolean(),
    csrf: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const cookie = r.session ? [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
      const body = r.csrf && r.contentType === 'application/x-www-form-urlencoded' ? `${r.body}&_csrf=${encodeURIComponent(editor.lastCsrf)}` : r.body;
      const res = await h.app.inject({
        method: r.method,
        url: `${r.path}${r.suffix}`,
        headers: { ...(cookie ? { cookie } : {}), ...(r.contentType ? { 'content-type': r.contentType } : {}) },
        ...(r.method === 'GET' ? {} : { payload: body }),
      });
      expect(res.statusCode, `${r.method} ${r.path}${r.suffix} [${r.contentType}] session=${r.session} → ${res.body.slice(0, 160)}`).toBeLessThan(500);
      expect(res.body).not.toMatch(/\n\s+at \S+ \(|node_modules/);
    }),
    { seed: 23, numRuns: 300 },
  );
});
