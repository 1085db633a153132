// Secrets stay secret: `serve` and `worker` run as processes with known secrets (SECRET,
// ADMIN_TOKEN, METRICS_TOKEN, the SMTP password, the DKIM key) at the most talkative log level;
// a send goes out through an SMTP server that wants that password, requests carry wrong and
// right tokens, an unsubscribe, a confirmation and a tracked link carry tokens in their paths. Nothing any
// process logged, and no answer or metric, contains any of them.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { signClickToken } from '../../src/reports/click-token.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const BIN = 'bin/newsletter.js';
const SECRET = 'secret-in-logs-test-SECRET-0123456789abcdef';
const ADMIN = 'secret-in-logs-ADMIN-TOKEN-0123456789';
const METRICS = 'secret-in-logs-METRICS-TOKEN-012345';
const SMTP_PASS = 'smtp-pass-Zq9-secret';
const dkimPem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const dkimBody = dkimPem.split('\n')[1]!; // a line of the key itself

describe('secrets in logs, answers and metrics', () => {
  let h: CampaignHarness;
  const output: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  let port: number;

  function start(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    h = await startCampaignHarness({ login: { user: 'newsletter', pass: SMTP_PASS, accept: (u, p) => u === 'newsletter' && p === SMTP_PASS } });
    port = await freePort();
    const env = {
      ...h.env,
      SECRET,
      ADMIN_TOKEN: ADMIN,
      METRICS_TOKEN: METRICS,
      DKIM_DOMAIN: 'news.example.test',
      DKIM_SELECTOR: 's1',
      DKIM_PRIVATE_KEY: dkimPem.replace(/\n/g, '\\n'),
      LOG_LEVEL: 'trace',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    start(['serve'], env);
    start(['worker'], env);
    await waitUntil('serve to listen', () => output.join('').includes(`listening on http://127.0.0.1:${port}`));
    await waitUntil('the worker to start', () => output.join('').includes('worker started'));
  });

  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    await h?.close();
  });

  it('appear nowhere', async () => {
    const readers = await h.seed(5);
    const published = await h.publish();
    await h.send(published);
    await h.waitForState(published.issueId, ['done']);

    const base = `http://127.0.0.1:${port}`;
    const unsubscribeToken = signListToken([{ version: 1, key: SECRET }], readers[0]!.id, h.listId);
    const clickToken = signClickToken([{ version: 1, key: SECRET }], 'pretrain-weekly-064', readers[0]!.id, Date.now());
    const answers: string[] = [];
    const ask = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${base}${path}`, init);
      answers.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`);
    };
    await ask('/api/campaigns/pretrain-weekly-064', { headers: { authorization: `Bearer ${ADMIN}` } });
    await ask('/api/campaigns/pretrain-weekly-064', { headers: { authorization: `Bearer ${ADMIN}x` } });
    await ask(`/api/campaigns/pretrain-weekly-064?access_token=${ADMIN}`);
    await ask('/metrics', { headers: { authorization: `Bearer ${METRICS}` } });
    await ask(`/unsubscribe/${unsubscribeToken}`);
    await ask(`/confirm/${'c'.repeat(43)}`);
    await ask(`/r/pretrain-weekly-064/1/${clickToken}`);
    await ask('/subscribe', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    // Every request has been logged by now (the log line is written when the answer is sent).
    await waitUntil('the request log lines', () => output.join('').split('"request"').length > 6 || output.join('').split(' request').length > 6);

    const everything = [...output, ...answers].join('\n');
    for (const [name, secret] of Object.entries({ SECRET, ADMIN, METRICS, SMTP_PASS, dkimBody, unsubscribeToken, clickToken })) {
      expect(everything.includes(secret), `${name} leaked`).toBe(false);
    }
    expect(answers[0]).toMatch(/^200/);
    expect(answers[3]).toMatch(/^200/);
    expect(h.sink.messages).toHaveLength(5);
    expect(h.sink.messages[0]!.raw.toString()).toContain('DKIM-Signature:');
  });
});
