// Bounces and complaints that come back by mail, end to end: a send with BOUNCE_ADDRESS set goes
// out with one VERP return path per message; DSNs (RFC 3464) and an ARF report (RFC 5965) mailed
// back to those addresses are fed to `newsletter bounces ingest` as .eml files, as an operator
// would, and map back to the exact subscriber and issue.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const BOUNCES = 'bounces@news.example.test';
let h: CampaignHarness;
let dir: string;
let published: PublishedIssue;
let people: Seeded[];
/** The MAIL FROM each subscriber's message went out with. */
const returnPath = new Map<string, string>();

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/newsletter.js', 'bounces', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const CRLF = '\r\n';
function dsn(opts: { to: string; recipient: string; status: string; action?: string; messageId?: string }): string {
  return [
    'From: MAILER-DAEMON@mx.example.org',
    `To: ${opts.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.org. Your message could not be delivered.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${opts.recipient}`,
    `Action: ${opts.action ?? 'failed'}`,
    `Status: ${opts.status}`,
    `Diagnostic-Code: smtp; ${opts.status.startsWith('5') ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full'}`,
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${opts.messageId ?? '<unrelated@example.org>'}`,
    `To: ${opts.recipient}`,
    '',
    '--b1--',
    '',
  ].join(CRLF);
}

function arf(opts: { mailFrom: string; recipient: string; messageId: string }): string {
  return [
    'From: feedback@fbl.example.net',
    'To: abuse@news.example.test',
    'Subject: FW: complaint',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="f1"',
    '',
    '--f1',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '',
    '--f1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeFBL/1.0',
    'Version: 1',
    `Original-Mail-From: <${opts.mailFrom}>`,
    `Original-Rcpt-To: <${opts.recipient}>`,
    '',
    '--f1',
    'Content-Type: message/rfc822',
    '',
    `Return-Path: <${opts.mailFrom}>`,
    `Message-ID: ${opts.messageId}`,
    `To: ${opts.recipient}`,
    'Subject: the issue',
    '',
    'body',
    '--f1--',
    '',
  ].join(CRLF);
}

beforeAll(async () => {
  h = await startCampaignHarness({ env: { BOUNCE_ADDRESS: BOUNCES } });
  dir = await mkdtemp(join(tmpdir(), 'nl-bounces-'));
  people = await h.seed(5, 'bounce');
  published = await h.publish();
  await h.startWorker();
  await h.send(published);
  await h.waitForState(published.issueId, ['done']);
  for (const m of h.sink.messages) returnPath.set(m.to[0]!, m.from);
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bounces by mail', { timeout: 120_000 }, () => {
  it('each message goes out with its own signed VERP return path', () => {
    expect(returnPath.size).toBe(5);
    for (const p of people) expect(returnPath.get(p.email)).toMatch(new RegExp(`^bounces\\+${p.id}\\.${published.issueId}\\.[A-Za-z0-9_-]{12}@news\\.example\\.test$`));
  });

  it('`bounces ingest` turns hard bounces and complaints into suppression, soft ones into a count, exactly by VERP', async () => {
    const [hard, soft, complaint, byAddress, forged] = people as [Seeded, Seeded, Seeded, Seeded, Seeded];
    const files: Array<[string, string]> = [
      ['hard.eml', dsn({ to: returnPath.get(hard.email)!, recipient: 'forwarded-somewhere@else.example', status: '5.1.1' })],
      ['soft.eml', dsn({ to: returnPath.get(soft.email)!, recipient: soft.email, status: '4.2.2' })],
      ['complaint.eml', arf({ mailFrom: returnPath.get(complaint.email)!, recipient: complaint.email, messageId: `<${published.issueId}.${complaint.id}.0123456789abcdef@news.example.test>` })],
      ['by-address.eml', dsn({ to: BOUNCES, recipient: byAddress.email, status: '5.1.1' })],
      // A made-up token does not name anybody: the report falls back to its recipient, nobody we know.
      ['forged.eml', dsn({ to: returnPath.get(forged.email)!.replace(/\.[A-Za-z0-9_-]{12}@/, '.AAAAAAAAAAAA@'), recipient: 'nobody@example.org', status: '5.1.1' })],
    ];
    for (const [name, body] of files) await writeFile(join(dir, name), body);
    const run = await cli(['ingest', ...files.map(([name]) => join(dir, name)), join(dir, 'missing.eml')]);
    expect(run.code).toBe(1); // the missing file
    expect(run.stderr).toBe(`${join(dir, 'missing.eml')}: cannot read: no such file\n`);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${join(dir, 'hard.eml')}: hard bounce 5.1.1 for forwarded-somewhere@else.example (subscriber ${hard.id}, by verp, issue ${published.issueId}): now bounced, suppressed; counted in the issue's status`,
      `${join(dir, 'soft.eml')}: soft bounce 4.2.2 for ${soft.email} (subscriber ${soft.id}, by verp, issue ${published.issueId}): soft bounce 1 of 3 in a row, still subscribed`,
      `${join(dir, 'complaint.eml')}: complaint for ${complaint.email} (subscriber ${complaint.id}, by verp, issue ${published.issueId}): now complained, suppressed; counted in the issue's status`,
      `${join(dir, 'by-address.eml')}: hard bounce 5.1.1 for ${byAddress.email} (subscriber ${byAddress.id}, by address): now bounced, suppressed`,
      `${join(dir, 'forged.eml')}: hard bounce 5.1.1 for nobody@example.org: no such subscriber (matched by address), nothing changed`,
    ]);
    expect((await h.store.get(hard.id))?.status).toBe('bounced');
    expect((await h.store.get(soft.id))?.status).toBe('active');
    expect((await h.store.get(complaint.id))?.status).toBe('complained');
    expect((await h.store.get(byAddress.id))?.status).toBe('bounced');
    expect((await h.store.get(forged.id))?.status).toBe('active');
    const status = await h.status(published.issueId);
    expect(status).toMatchObject({ lateBounces: 2, complaints: 1 });
  });

  it('reads the sample DSN and ARF files in test/fixtures/bounces and ignores what is not a report', async () => {
    await h.store.create({ email: 'alice@example.net', lists: [h.listId], status: 'active' });
    for (const name of ['postfix-hard-bounce.eml', 'delayed-only.eml', 'not-a-report.eml']) await copyFile(join('test/fixtures/bounces', name), join(dir, name));
    const run = await cli(['ingest', join(dir, 'postfix-hard-bounce.eml'), join(dir, 'delayed-only.eml'), join(dir, 'not-a-report.eml')]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/postfix-hard-bounce\.eml: hard bounce 5\.1\.1 for alice@example\.net \(subscriber \d+, by address, issue pretrain-weekly-064\): now bounced, suppressed/);
    expect(lines[1]).toMatch(/delayed-only\.eml: ignored: /);
    expect(lines[2]).toMatch(/not-a-report\.eml: ignored: /);
    expect((await h.store.findByEmail('alice@example.net'))?.status).toBe('bounced');
  });
});
