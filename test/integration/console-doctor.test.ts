// The console's home runs the deployment checks of `newsletter doctor` on request (issue 30):
// behind CSRF, post/redirect/get, one row per check with what to fix, no secret on the page.
// The DNS server named here never answers, so the DNS checks fail within the time limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, SECRET, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let browser: ConsoleClient;

beforeAll(async () => {
  h = await startHttpHarness({ doctor: { dnsServer: '127.0.0.1:9', timeoutMs: 1_500 } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
});

describe('Will it reach the inbox? on the console home', () => {
  it('offers the checks, refuses a post without the CSRF token, and shows every check after a run', async () => {
    const before = await browser.get('/admin');
    expect(before.body).toContain('<h2 id="doctor">Will it reach the inbox?</h2>');
    expect(before.body).toContain('Not run since this server started.');
    expect(before.body).toContain('<form method="post" action="/admin/doctor">');

    const forged = await browser.post('/admin/doctor', { _csrf: null });
    expect(forged.statusCode).toBe(403);

    const run = await browser.post('/admin/doctor');
    expect(run.statusCode).toBe(303);
    expect(run.headers.location).toBe('/admin#doctor');
    const after = await browser.get('/admin');
    const rows = [
      ...after.body.matchAll(/<tr><th scope="row">([a-z-]+)<\/th><td>(passed|<span class="level (?:warning|error)">(?:warning|failed)<\/span>)<\/td>/g),
    ].map((m) => m[1]);
    for (const check of [
      'spf',
      'dkim-key',
      'dmarc',
      'public-url',
      'redis-eviction',
      'redis-aof',
      'smtp-connect',
      'smtp-ehlo',
      'list-unsubscribe',
      'feedback-id',
    ])
      expect(rows, check).toContain(check);
    expect(after.body).toMatch(/<p data-doctor-summary>Run [^<]+: \d+ checks? failed/);
    expect(after.body).toContain('Fix:');
    expect(after.body).toContain('Run the checks again');
    expect(after.body).not.toContain(SECRET);
    expect(after.body).not.toContain(ADMIN_TOKEN);
  });
});
