// The List-Unsubscribe mailto, end to end (issue 32 item 5): an issue goes out to a real SMTP
// sink; the mailto of a received message is what a mail client writes to, so the test sends that
// mail (nodemailer, to the sink standing for our mailbox), takes the bytes the mailbox got and
// feeds them to `newsletter bounces ingest`, on stdin as an MTA pipe would and as a file. The
// signed token takes the person off that list only, once (counted once in the metric); a forged
// or damaged token is unmatched and changes nothing.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { loadNewsletters } from '../../src/content/index.ts';
import { newsletterDirectory } from '../../src/http/newsletter-directory.ts';
import { addServerCollectors } from '../../src/http/server-metrics.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const OTHER_LIST = 'other-list';
let h: CampaignHarness;
let dir: string;
let published: PublishedIssue;
const people: Array<{ id: string; email: string }> = [];

type Run = { code: number; stdout: string; stderr: string };
function cli(args: string[], stdin?: Buffer): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('node', ['bin/newsletter.js', 'bounces', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}

/** The List-Unsubscribe mailto of the message the sink received for `email`. */
async function mailtoOf(email: string): Promise<URL> {
  const message = h.sink.messages.find((m) => m.to.includes(email));
  expect(message, `a message to ${email}`).toBeDefined();
  const parsed = await simpleParser(message!.raw);
  const line = parsed.headerLines.find((l) => l.key === 'list-unsubscribe')!.line;
  const mailto = [...line.matchAll(/<(mailto:[^>]+)>/g)].map((m) => m[1]!)[0];
  expect(mailto, 'a mailto in List-Unsubscribe').toMatch(/^mailto:unsubscribe\+/);
  return new URL(mailto!);
}

/** Sends what a mail client sends for a mailto (RFC 2369/6068: its address, its subject) and gives the bytes the mailbox received. */
async function clientMail(from: string, mailto: URL): Promise<Buffer> {
  const transport = createTransport({ host: '127.0.0.1', port: h.sink.port, secure: false, ignoreTLS: true });
  const before = h.sink.messages.length;
  try {
    await transport.sendMail({
      from,
      to: decodeURIComponent(mailto.pathname),
      subject: mailto.searchParams.get('subject') ?? 'unsubscribe',
      text: 'This message was sent to unsubscribe.',
    });
  } finally {
    transport.close();
  }
  await h.sink.waitFor(before + 1);
  return h.sink.messages[before]!.raw;
}

async function scrapeUnsubscribes(): Promise<string[]> {
  const metrics = createMetrics();
  addServerCollectors(metrics, {
    redis: h.redis,
    keys: h.keys,
    partitionKeys: h.partitions.keys,
    store: h.store,
    newsletters: newsletterDirectory(await loadNewsletters('emails')),
    queues: {},
  });
  return (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith('newsletter_unsubscribes_total{'));
}

beforeAll(async () => {
  h = await startCampaignHarness({ env: { BOUNCE_ADDRESS: 'bounces@news.example.test' } });
  dir = await mkdtemp(join(tmpdir(), 'nl-mailto-'));
  for (const [i, lists] of [[h.listId, OTHER_LIST], [h.listId], [h.listId]].entries()) {
    const { subscriber } = await h.store.create({ email: `mailto-${i}@example.test`, lists, status: 'active' });
    people.push({ id: subscriber.id, email: subscriber.email });
  }
  published = await h.publish();
  await h.startWorker();
  await h.send(published);
  await h.waitForState(published.issueId, ['done']);
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('unsubscribe by the List-Unsubscribe mailto', { timeout: 120_000 }, () => {
  it('a mail to the mailto, piped to `bounces ingest`, takes the reader off that list only, counted once', async () => {
    const [reader, other] = people as [{ id: string; email: string }, { id: string; email: string }];
    const raw = await clientMail(reader.email, await mailtoOf(reader.email));
    expect(await scrapeUnsubscribes()).toEqual([]);

    const run = await cli(['ingest'], raw);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: `stdin: unsubscribe request from list ${h.listId} (subscriber ${reader.id}, signed token): left the list\n`,
    });
    const after = await h.store.get(reader.id);
    expect(after?.lists).toEqual([OTHER_LIST]);
    expect(after?.status).toBe('active');
    // The consent history says how they left: by mail.
    expect((await h.store.consentHistory(reader.id)).at(-1)).toMatchObject({ type: 'withdrawn', source: 'mail', listId: h.listId });
    expect((await h.store.get(other.id))?.lists).toEqual([h.listId]);
    expect(await scrapeUnsubscribes()).toEqual([`newsletter_unsubscribes_total{newsletter="pretrain-weekly",how="mailto"} 1`]);

    // The same mail again (a client that sends twice, a mailbox read twice): nothing more, not counted again.
    await writeFile(join(dir, 'again.eml'), raw);
    const again = await cli(['ingest', join(dir, 'again.eml')]);
    expect(again.stdout).toBe(
      `${join(dir, 'again.eml')}: unsubscribe request from list ${h.listId} (subscriber ${reader.id}, signed token): not on the list, nothing changed\n`,
    );
    expect(await scrapeUnsubscribes()).toEqual([`newsletter_unsubscribes_total{newsletter="pretrain-weekly",how="mailto"} 1`]);
  });

  it('a forged or damaged token is unmatched, changes nothing, and is listed for the operator', async () => {
    const victim = people[2]!;
    const genuine = await mailtoOf(victim.email);
    const token = /^unsubscribe\+([^@]+)@/.exec(decodeURIComponent(genuine.pathname))![1]!;
    const mac = token.slice(token.lastIndexOf('.') + 1);
    const forged = new URL(genuine.href.replace(mac, `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`));
    const damaged = new URL(genuine.href.replace(mac, mac.toLowerCase() === mac ? mac.toUpperCase() : mac.toLowerCase()));
    const otherList = new URL(genuine.href.replace(`.${h.listId}.`, `.${OTHER_LIST}.`));
    const paths: string[] = [];
    for (const [name, url] of [
      ['forged', forged],
      ['damaged', damaged],
      ['other-list', otherList],
    ] as const) {
      const path = join(dir, `${name}.eml`);
      await writeFile(path, await clientMail('someone@attacker.example', url));
      paths.push(path);
    }
    const run = await cli(['ingest', ...paths]);
    expect(run.code).toBe(0);
    const shown = `${token.split('.')[0]}.${victim.id}.`;
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `${paths[0]}: unsubscribe request (token ${token.slice(0, token.lastIndexOf('.'))}.…): unmatched, not applied: its token does not verify (forged, cut short or altered on the way) (listed by \`newsletter bounces unmatched\`)`,
      `${paths[1]}: unsubscribe request (token ${token.slice(0, token.lastIndexOf('.'))}.…): unmatched, not applied: its token does not verify (forged, cut short or altered on the way) (listed by \`newsletter bounces unmatched\`)`,
      `${paths[2]}: unsubscribe request (token ${shown}${OTHER_LIST}.…): unmatched, not applied: its token does not verify (forged, cut short or altered on the way) (listed by \`newsletter bounces unmatched\`)`,
    ]);
    expect(run.stdout).not.toContain(mac);
    const record = await h.store.get(victim.id);
    expect(record?.lists).toEqual([h.listId]);
    expect(record?.status).toBe('active');

    const listed = await cli(['unmatched', '--limit', '3']);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z unsubscribe \\(from ${paths[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, to unsubscribe\\+${token.split('.')[0]}\\.${victim.id}\\.${OTHER_LIST}\\.…\\): its token does not verify`,
      ),
    );
    expect(listed.stdout).not.toContain(mac);
    expect(await scrapeUnsubscribes()).toEqual([`newsletter_unsubscribes_total{newsletter="pretrain-weekly",how="mailto"} 1`]);
  });
});

describe('stdin by name', { timeout: 60_000 }, () => {
  it('`bounces ingest -` reads one mail from stdin', async () => {
    const run = await new Promise<Run>((resolve) => {
      const child = execFile(
        'node',
        ['bin/newsletter.js', 'bounces', 'ingest', '-'],
        { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env } },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.end('From: a@example.org\r\nTo: someone@example.org\r\nSubject: hello\r\n\r\nnot a report\r\n');
    });
    expect(run).toEqual({ code: 0, stderr: '', stdout: 'stdin: ignored: not a delivery or feedback report\n' });
  });
});
