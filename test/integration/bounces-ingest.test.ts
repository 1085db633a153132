// Bounces and complaints that come back by mail, end to end: a send with BOUNCE_ADDRESS set goes
// out with one VERP return path per message; DSNs (RFC 3464) and an ARF report (RFC 5965) mailed
// back to those addresses are fed to `newsletter bounces ingest` as .eml files, as an operator
// would, and map back to the exact subscriber and issue. With BOUNCE_ADDRESS set, only what we
// signed names anybody (the VERP return path, or our Message-ID carrying its MAC): forged DSNs,
// text bounces and ARF reports that name a subscriber by address or by an unsigned Message-ID are
// recorded as unmatched and never applied or counted (issue 32 item 1).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { verifyMessageId } from '../../src/mail/message-id.ts';
import { startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const BOUNCES = 'bounces@news.example.test';
let h: CampaignHarness;
let dir: string;
let published: PublishedIssue;
let people: Seeded[];
/** The MAIL FROM each subscriber's message went out with. */
const returnPath = new Map<string, string>();
/** The Message-ID each subscriber's message went out with. */
const sentMessageId = new Map<string, string>();

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/newsletter.js', 'bounces', ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Writes each [name, body] into the test's directory and gives their paths. */
async function files(...entries: Array<[string, string]>): Promise<string[]> {
  for (const [name, body] of entries) await writeFile(join(dir, name), body);
  return entries.map(([name]) => join(dir, name));
}

function qmailBounce(opts: { to: string; recipient: string; messageId: string }): string {
  return [
    'From: MAILER-DAEMON@mx.example.org',
    `To: ${opts.to}`,
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mx.example.org.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "This is a permanent error; I've given up. Sorry it didn't work out.",
    '',
    `<${opts.recipient}>:`,
    '550 5.1.1 mailbox unavailable',
    '',
    '--- Below this line is a copy of the message.',
    '',
    `Message-ID: ${opts.messageId}`,
    `To: ${opts.recipient}`,
    'Subject: the issue',
    '',
    'body',
    '',
  ].join(CRLF);
}

/** A minimal ARF report: the recipient in Original-Rcpt-To, nothing of ours signed. */
function minimalArf(opts: { recipient: string }): string {
  return [
    'From: feedback@fbl.example.net',
    'To: abuse@news.example.test',
    'Subject: complaint',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="m1"',
    '',
    '--m1',
    'Content-Type: text/plain',
    '',
    'A complaint.',
    '',
    '--m1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'Version: 1',
    `Original-Rcpt-To: <${opts.recipient}>`,
    '',
    '--m1--',
    '',
  ].join(CRLF);
}

/** A redacted ARF (no address at all) quoting only the original's Message-ID. */
function redactedArf(opts: { messageId: string }): string {
  return [
    'From: feedback@fbl.example.net',
    'To: abuse@news.example.test',
    'Subject: complaint',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="r1"',
    '',
    '--r1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'Version: 1',
    '',
    '--r1',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${opts.messageId}`,
    'Subject: the issue',
    '',
    '--r1--',
    '',
  ].join(CRLF);
}

const CRLF = '\r\n';
function dsn(opts: { to: string; recipient: string; status: string; action?: string; messageId?: string }): string {
  // `recipient` may be a word that is no address (the report then names nobody by address).
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
  for (const m of h.sink.messages) {
    returnPath.set(m.to[0]!, m.from);
    sentMessageId.set(m.to[0]!, /^Message-ID: (<[^>\r\n]+>)\r?$/im.exec(m.raw.toString('latin1'))![1]!);
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bounces by mail', { timeout: 120_000 }, () => {
  it('each message goes out with its own signed VERP return path', () => {
    expect(returnPath.size).toBe(5);
    for (const p of people)
      expect(returnPath.get(p.email)).toMatch(new RegExp(`^bounces\\+${p.id}\\.${published.issueId}\\.[A-Za-z0-9_-]{12}@news\\.example\\.test$`));
  });

  it('and a Message-ID carrying our MAC, which verifies for exactly its subscriber and issue', () => {
    for (const p of people) expect(verifyMessageId(h.config.secrets, sentMessageId.get(p.email))).toEqual({ issueId: published.issueId, subscriberId: p.id });
  });

  it('`bounces ingest` turns hard bounces and complaints into suppression, soft ones into a count, exactly by VERP; a report naming only an address is not applied', async () => {
    const [hard, soft, complaint, byAddress, forged] = people as [Seeded, Seeded, Seeded, Seeded, Seeded];
    const paths = await files(
      ['hard.eml', dsn({ to: returnPath.get(hard.email)!, recipient: 'forwarded-somewhere@else.example', status: '5.1.1' })],
      ['soft.eml', dsn({ to: returnPath.get(soft.email)!, recipient: soft.email, status: '4.2.2' })],
      [
        'complaint.eml',
        arf({
          mailFrom: returnPath.get(complaint.email)!,
          recipient: complaint.email,
          messageId: `<${published.issueId}.${complaint.id}.0123456789abcdef@news.example.test>`,
        }),
      ],
      // With BOUNCE_ADDRESS set, an address in the report is anyone's word: not applied.
      ['by-address.eml', dsn({ to: BOUNCES, recipient: byAddress.email, status: '5.1.1' })],
      // A made-up token does not verify, and nothing else may name anybody.
      ['forged.eml', dsn({ to: returnPath.get(forged.email)!.replace(/\.[A-Za-z0-9_-]{12}@/, '.AAAAAAAAAAAA@'), recipient: forged.email, status: '5.1.1' })],
    );
    const run = await cli(['ingest', ...paths, join(dir, 'missing.eml')]);
    expect(run.code).toBe(1); // the missing file
    expect(run.stderr).toBe(`${join(dir, 'missing.eml')}: cannot read: no such file\n`);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${join(dir, 'hard.eml')}: hard bounce 5.1.1 for forwarded-somewhere@else.example (subscriber ${hard.id}, by verp, issue ${published.issueId}): now bounced, suppressed; counted in the issue's status`,
      `${join(dir, 'soft.eml')}: soft bounce 4.2.2 for ${soft.email} (subscriber ${soft.id}, by verp, issue ${published.issueId}): soft bounce 1 of 3 in a row, still subscribed`,
      `${join(dir, 'complaint.eml')}: complaint for ${complaint.email} (subscriber ${complaint.id}, by verp, issue ${published.issueId}): now complained, suppressed; counted in the issue's status`,
      `${join(dir, 'by-address.eml')}: hard bounce 5.1.1 for ${byAddress.email}: unmatched, not applied: no VERP return path of ours, no signed Message-ID of ours (BOUNCE_ADDRESS is set: nothing else may name a subscriber) (listed by \`newsletter bounces unmatched\`)`,
      `${join(dir, 'forged.eml')}: hard bounce 5.1.1 for ${forged.email}: unmatched, not applied: its VERP return path does not verify, no signed Message-ID of ours (BOUNCE_ADDRESS is set: nothing else may name a subscriber) (listed by \`newsletter bounces unmatched\`)`,
    ]);
    expect((await h.store.get(hard.id))?.status).toBe('bounced');
    expect((await h.store.get(soft.id))?.status).toBe('active');
    expect((await h.store.get(complaint.id))?.status).toBe('complained');
    expect((await h.store.get(byAddress.id))?.status).toBe('active');
    expect((await h.store.get(forged.id))?.status).toBe('active');
    const status = await h.status(published.issueId);
    expect(status).toMatchObject({ lateBounces: 2, complaints: 1 }); // the hard and the soft bounce
  });

  it('forged reports that name a subscriber by address or by an unsigned Message-ID change nothing and count nowhere', async () => {
    const victim = people[3]!;
    const before = await h.status(published.issueId);
    const paths = await files(
      // A DSN whose Final-Recipient is a subscriber's address.
      [
        'forged-final-recipient.eml',
        dsn({ to: BOUNCES, recipient: victim.email, status: '5.1.1', messageId: `<${published.issueId}.${victim.id}.0123456789abcdef@news.example.test>` }),
      ],
      // A DSN naming nobody by address, only a Message-ID of our old, unsigned shape: issue and subscriber id.
      [
        'forged-message-id.eml',
        dsn({ to: BOUNCES, recipient: 'undisclosed', status: '5.1.1', messageId: `<${published.issueId}.${victim.id}.0000000000000000@news.example.test>` }),
      ],
      // The same with a made-up 36-digit tag of the signed shape.
      [
        'forged-signed-shape.eml',
        dsn({ to: BOUNCES, recipient: 'undisclosed', status: '5.1.1', messageId: `<${published.issueId}.${victim.id}.${'0'.repeat(36)}@news.example.test>` }),
      ],
      // A qmail-style plain-text bounce naming the address.
      [
        'forged-qmail.eml',
        qmailBounce({ to: BOUNCES, recipient: victim.email, messageId: `<${published.issueId}.${victim.id}.0123456789abcdef@news.example.test>` }),
      ],
      // A minimal ARF with Original-Rcpt-To.
      ['forged-arf.eml', minimalArf({ recipient: victim.email })],
    );
    const run = await cli(['ingest', ...paths]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const [i, path] of paths.entries())
      expect(lines[i]).toMatch(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (hard bounce 5\\.1\\.1|complaint) for .*: unmatched, not applied: `),
      );
    expect(lines[1]).toContain('its Message-ID does not carry our MAC');
    expect(lines[2]).toContain('its Message-ID does not carry our MAC');
    const record = await h.store.get(victim.id);
    expect(record?.status).toBe('active');
    expect(record?.lists).toEqual([h.listId]);
    expect(await h.redis.get(h.keys.softBounces(victim.id))).toBeNull();
    const after = await h.status(published.issueId);
    expect({ lateBounces: after.lateBounces, complaints: after.complaints }).toEqual({ lateBounces: before.lateBounces, complaints: before.complaints });

    // The operator sees them, newest first, with what they claimed.
    const listed = await cli(['unmatched', '--limit', '5']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const entries = listed.stdout.trimEnd().split('\n');
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z complaint \\(from ${paths[4]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, names ${victim.email.replace(/[.]/g, '\\.')}, to abuse@news\\.example\\.test\\): no VERP return path of ours, no signed Message-ID of ours`,
      ),
    );
    expect(entries[4]).toContain(
      `from ${paths[0]}, names ${victim.email}, status 5.1.1, Message-ID <${published.issueId}.${victim.id}.0123456789abcdef@news.example.test>, to ${BOUNCES}`,
    );
    const json = (await cli(['unmatched', '--json', '--limit', '1'])).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json).toEqual([
      {
        at: expect.any(String),
        kind: 'complaint',
        reason: expect.stringContaining('no signed Message-ID'),
        source: paths[4],
        email: victim.email,
        address: 'abuse@news.example.test',
      },
    ]);
  });

  it('a report quoting our signed Message-ID is applied without a VERP return path; the same id edited is not', async () => {
    const signedFor = people[4]!;
    const before = await h.status(published.issueId);
    const messageId = sentMessageId.get(signedFor.email)!;
    const edited = messageId.replace(`.${signedFor.id}.`, `.${people[3]!.id}.`);
    const paths = await files(['signed-arf.eml', redactedArf({ messageId })], ['edited-arf.eml', redactedArf({ messageId: edited })]);
    const run = await cli(['ingest', ...paths]);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${paths[0]}: complaint for (address not given) (subscriber ${signedFor.id}, by message-id, issue ${published.issueId}): now complained, suppressed; counted in the issue's status`,
      `${paths[1]}: complaint for (address not given): unmatched, not applied: no VERP return path of ours, its Message-ID does not carry our MAC (BOUNCE_ADDRESS is set: nothing else may name a subscriber) (listed by \`newsletter bounces unmatched\`)`,
    ]);
    expect((await h.store.get(signedFor.id))?.status).toBe('complained');
    expect((await h.store.get(people[3]!.id))?.status).toBe('active');
    expect((await h.status(published.issueId)).complaints).toBe((before.complaints ?? 0) + 1);
  });

  it('without BOUNCE_ADDRESS the mailbox is trusted as README says: the recipient a report names is applied', async () => {
    const { id, email } = (await h.store.create({ email: 'no-verp@example.test', lists: [h.listId], status: 'active' })).subscriber;
    const paths = await files(
      ['no-verp.eml', dsn({ to: BOUNCES, recipient: email, status: '5.1.1' })],
      ['no-verp-nobody.eml', dsn({ to: BOUNCES, recipient: 'undisclosed', status: '5.1.1' })],
    );
    const run = await cli(['ingest', ...paths], { BOUNCE_ADDRESS: '' });
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${paths[0]}: hard bounce 5.1.1 for ${email} (subscriber ${id}, by address): now bounced, suppressed`,
      `${paths[1]}: hard bounce 5.1.1 for (address not given): unmatched, not applied: names no recipient and quotes no Message-ID of ours (listed by \`newsletter bounces unmatched\`)`,
    ]);
    expect((await h.store.get(id))?.status).toBe('bounced');
  });

  it('reads the sample DSN and ARF files in test/fixtures/bounces and ignores what is not a report', async () => {
    await h.store.create({ email: 'alice@example.net', lists: [h.listId], status: 'active' });
    for (const name of ['postfix-hard-bounce.eml', 'delayed-only.eml', 'not-a-report.eml'])
      await copyFile(join('test/fixtures/bounces', name), join(dir, name));
    const run = await cli(['ingest', join(dir, 'postfix-hard-bounce.eml'), join(dir, 'delayed-only.eml'), join(dir, 'not-a-report.eml')]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    // Its VERP address and Message-ID were signed by nobody of ours (they are samples).
    expect(lines[0]).toMatch(/postfix-hard-bounce\.eml: hard bounce 5\.1\.1 for alice@example\.net: unmatched, not applied: /);
    expect(lines[1]).toMatch(/delayed-only\.eml: ignored: /);
    expect(lines[2]).toMatch(/not-a-report\.eml: ignored: /);
    expect((await h.store.findByEmail('alice@example.net'))?.status).toBe('active');
    // Without BOUNCE_ADDRESS the sample's recipient is trusted.
    const trusting = await cli(['ingest', join(dir, 'postfix-hard-bounce.eml')], { BOUNCE_ADDRESS: '' });
    expect(trusting.stdout).toMatch(
      /postfix-hard-bounce\.eml: hard bounce 5\.1\.1 for alice@example\.net \(subscriber \d+, by address, issue pretrain-weekly-064\): now bounced, suppressed/,
    );
    expect((await h.store.findByEmail('alice@example.net'))?.status).toBe('bounced');
  });
});
