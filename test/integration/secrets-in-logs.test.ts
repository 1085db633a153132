// Secrets stay secret: `serve` and `worker` run as processes with known secrets (SECRET,
// ADMIN_TOKEN, METRICS_TOKEN, the SMTP password, the DKIM key) at the most talkative log level;
// a send goes out through an SMTP server that wants that password, requests carry wrong and
// right tokens, an unsubscribe, a confirmation and a tracked link carry tokens in their paths; a
// member is invited, sets a password, makes an API token and uses it, logs in wrongly and rightly.
// Nothing any process logged, and no answer or metric, contains any of them (the invitation link
// and the new token appear only on the one page that shows them to whoever made them).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { signClickToken } from '../../src/reports/click-token.ts';
import { totpCodeAt } from '../../src/team/totp.ts';
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
    // The team: a member's password and an API token (each shown once to whoever made it: those
    // two pages are the only answers that may hold them, and are left out of `answers`).
    const jar = new Map<string, string>();
    let csrf = '';
    const browse = async (path: string, form?: Record<string, string | string[]>, keep = true) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form ?? {})) for (const one of [v].flat()) body.append(k, one);
      if (form) body.set('_csrf', csrf);
      const res = await fetch(`${base}${path}`, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(form ? { body: body.toString() } : {}),
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [k, ...v] = pair!.split('=');
        jar.set(k!, v.join('='));
      }
      const text = await res.text();
      csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? csrf;
      if (keep) answers.push(`${res.status}\n${text}`);
      return text;
    };
    const PASSWORD = 'member-password-Kq7-not-for-logs';
    await browse('/admin/login');
    await browse('/admin/login', { token: ADMIN });
    await browse('/admin/team');
    await browse('/admin/team/invite', { email: 'ada@news.example.test', role: 'admin' });
    const invite = new URL(/<code>([^<]+\/admin\/invite\/[^<]+)<\/code>/.exec(await browse('/admin/team', undefined, false))![1]!).pathname;
    await browse(invite);
    await browse(invite, { password: PASSWORD, confirm: PASSWORD });
    await browse('/admin/account');
    await browse('/admin/account/tokens', { name: 'sync', scopes: ['subscribers:read'] });
    const apiToken = /<code data-new-token>([^<]+)<\/code>/.exec(await browse('/admin/account', undefined, false))![1]!;
    // The second step: its key is shown on the account page while it is being set up (left out).
    await browse('/admin/account/two-factor/start', {});
    const totpKey = /<code data-totp-key>([^<]+)<\/code>/.exec(await browse('/admin/account', undefined, false))![1]!.replace(/ /g, '');
    await browse('/admin/account/two-factor/confirm', { code: totpCodeAt(totpKey, Date.now()) });
    await ask('/api/subscribers', { headers: { authorization: `Bearer ${apiToken}` } });
    await ask('/api/subscribers', { method: 'POST', headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' }, body: '{}' });
    jar.clear();
    await browse('/admin/login');
    await browse('/admin/login', { email: 'ada@news.example.test', password: `${PASSWORD}-wrong` });
    await browse('/admin/login', { email: 'ada@news.example.test', password: PASSWORD });
    await browse('/admin/login/code');
    await browse('/admin/login/code', { code: totpCodeAt(totpKey, Date.now() + 30_000) });
    expect((await browse('/admin/account')).includes('You are logged in as ada@news.example.test')).toBe(true);
    await ask('/metrics', { headers: { authorization: `Bearer ${METRICS}` } });

    // Every request has been logged by now (the log line is written when the answer is sent).
    await waitUntil('the request log lines', () => output.join('').split('"request"').length > 6 || output.join('').split(' request').length > 6);

    const everything = [...output, ...answers].join('\n');
    const tokenSecret = apiToken.split('_').slice(2).join('_');
    const inviteToken = invite.split('/').at(-1)!;
    for (const [name, secret] of Object.entries({
      SECRET,
      ADMIN,
      METRICS,
      SMTP_PASS,
      dkimBody,
      unsubscribeToken,
      clickToken,
      PASSWORD,
      tokenSecret,
      inviteToken,
    })) {
      expect(everything.includes(secret), `${name} leaked`).toBe(false);
    }
    expect(answers.filter((a) => a.startsWith('200 ') && a.includes('"subscribers"'))).toHaveLength(1);
    expect(answers[0]).toMatch(/^200/);
    expect(answers[3]).toMatch(/^200/);
    expect(h.sink.messages.filter((m) => !m.to.includes('ada@news.example.test'))).toHaveLength(5);
    expect(h.sink.messages[0]!.raw.toString()).toContain('DKIM-Signature:');
  });
});
