// A worker's own /metrics (WORKER_METRICS_PORT): behind the metrics token, with the SMTP latency
// histogram counting every transaction of a real send to the sink.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const TOKEN = 'worker-metrics-token-0123456789';
let h: CampaignHarness;
let port: number;

beforeAll(async () => {
  port = await freePort();
  h = await startCampaignHarness({ env: { WORKER_METRICS_PORT: String(port), METRICS_TOKEN: TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

it('serves the SMTP latency histogram of the messages it sent, only with the token', async () => {
  await h.seed(7, 'latency');
  await h.startWorker();
  const published = await h.publish('worker-metrics-1');
  await h.send(published);
  await h.waitForState('worker-metrics-1', ['done']);
  const url = `http://127.0.0.1:${port}/metrics`;
  expect((await fetch(url)).status).toBe(401);
  expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
  expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body).toContain('newsletter_smtp_latency_seconds_count{outcome="sent"} 7');
  expect(body).toMatch(/^newsletter_smtp_latency_seconds_bucket\{le="\+Inf",outcome="sent"\} 7$/m);
  expect(body).toMatch(/^newsletter_process_cpu_user_seconds_total \d/m);
});
