// Each credential opens one door (issue 32 item 7): METRICS_TOKEN and WEBHOOK_TOKEN no longer
// fall back to ADMIN_TOKEN, so the token a mail provider holds never opens the admin API and the
// admin token never opens their routes. A route whose token is unset is off: it answers 404
// saying which variable turns it on, and the process says so once when it starts.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { serveMetrics } from '../../src/metrics/metrics-server.ts';
import { ADMIN_TOKEN, METRICS_TOKEN, WEBHOOK_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('METRICS_TOKEN and WEBHOOK_TOKEN unset: their routes are off', () => {
  let h: HttpHarness;
  const lines: { msg?: string }[] = [];
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg?: string }) });
    h = await startHttpHarness({ env: { METRICS_TOKEN: '', WEBHOOK_TOKEN: '' }, logger });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says so once at start, naming the variable that turns each on', () => {
    expect(h.config.metricsToken).toBeUndefined();
    expect(h.config.webhookToken).toBeUndefined();
    const off = lines.map((l) => l.msg ?? '').filter((m) => / is off: /.test(m));
    expect(off).toEqual([
      'GET /metrics is off: set METRICS_TOKEN to its own random value (e.g. the output of `openssl rand -hex 32`) to turn it on',
      'POST /webhooks/generic is off: set WEBHOOK_TOKEN to its own random value (e.g. the output of `openssl rand -hex 32`) to turn it on',
    ]);
  });

  it('GET /metrics answers 404 with that sentence, whatever token comes, the admin token too', async () => {
    for (const headers of [{}, bearer(ADMIN_TOKEN), bearer(METRICS_TOKEN)]) {
      const res = await h.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('GET /metrics is off: set METRICS_TOKEN');
      expect(res.body).not.toContain('newsletter_subscribers');
    }
  });

  it('POST /webhooks/generic answers 404 to the admin token and changes nothing', async () => {
    const { subscriber } = await h.store.create({ email: 'kept@own-tokens.example', lists: [h.en.listId], status: 'active' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/generic',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      payload: { type: 'complaint', email: subscriber.email },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toMatch(/^POST \/webhooks\/generic is off: set WEBHOOK_TOKEN/);
    expect((await h.store.get(subscriber.id))?.status).toBe('active');
  });
});

describe('each token set: it opens its own route and nothing else', () => {
  let h: HttpHarness;
  beforeAll(async () => {
    h = await startHttpHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the webhook token opens neither the admin API nor /metrics; the metrics token opens neither the API nor the webhook; the admin token neither of theirs', async () => {
    for (const token of [WEBHOOK_TOKEN, METRICS_TOKEN])
      expect((await h.app.inject({ method: 'GET', url: '/api/campaigns', headers: bearer(token) })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/api/campaigns', headers: bearer(ADMIN_TOKEN) })).statusCode).toBe(200);

    for (const token of [WEBHOOK_TOKEN, ADMIN_TOKEN])
      expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) })).statusCode).toBe(200);

    const { subscriber } = await h.store.create({ email: 'hook@own-tokens.example', lists: [h.en.listId], status: 'active' });
    const report = { type: 'bounce', email: subscriber.email, permanent: true };
    for (const token of [METRICS_TOKEN, ADMIN_TOKEN]) {
      expect((await h.app.inject({ method: 'POST', url: '/webhooks/generic', headers: bearer(token), payload: report })).statusCode).toBe(401);
    }
    expect((await h.store.get(subscriber.id))?.status).toBe('active');
    expect((await h.app.inject({ method: 'POST', url: '/webhooks/generic', headers: bearer(WEBHOOK_TOKEN), payload: report })).statusCode).toBe(200);
    expect((await h.store.get(subscriber.id))?.status).toBe('bounced');
  });
});

describe("a worker's /metrics port without METRICS_TOKEN", () => {
  it('answers 404 saying which variable turns it on, and says it once at start', async () => {
    const said: string[] = [];
    const server = await serveMetrics(createMetrics(), { port: 0, host: '127.0.0.1', log: (m) => said.push(m) });
    try {
      expect(said).toEqual([
        'GET /metrics on WORKER_METRICS_PORT is off: set METRICS_TOKEN to its own random value (e.g. the output of `openssl rand -hex 32`) to turn it on',
      ]);
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('set METRICS_TOKEN');
    } finally {
      await server.close();
    }
  });
});
