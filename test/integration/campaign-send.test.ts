// Issue 4 acceptance (a): 2,000 subscribers → the sink receives exactly 2,000 messages, one per
// address, each with the list headers of docs/standards.md, a deterministic Message-ID and a personal
// unsubscribe link that verifies for that subscriber and, POSTed to the real app, unsubscribes.
import { Queue } from 'bullmq';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadySentError } from '../../src/campaign/start-send.ts';
import { loadNewsletters } from '../../src/content/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { QUEUES } from '../../src/redis/keys.ts';
import { verifyListToken } from '../../src/subscribers/tokens.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 2_000;

/** A header's unfolded raw value (mailparser's structured `list` merges the two URIs). */
function header(mail: ParsedMail, name: string): string {
  const line = mail.headerLines.find((h) => h.key === name)?.line ?? '';
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

function unsubscribeUris(mail: ParsedMail): string[] {
  return [...header(mail, 'list-unsubscribe').matchAll(/<([^>]+)>/g)].map((m) => m[1]!);
}

describe('sending an issue to 2,000 subscribers', () => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  let parsed: ParsedMail[];
  const issueId = 'pretrain-weekly-064';

  beforeAll(async () => {
    h = await startCampaignHarness();
    subscribers = await h.seed(N);
    const published = await h.publish();
    await h.startWorker({}, 32);
    await h.send(published);
    await h.waitForState(issueId, ['done']);
    await h.sink.waitFor(N);
    parsed = await Promise.all(h.sink.messages.map((m) => simpleParser(m.raw)));
  });

  afterAll(async () => h?.close());

  it('delivers exactly one message per address and the status adds up', async () => {
    expect(h.sink.messages).toHaveLength(N);
    const perAddress = h.receivedPerAddress();
    expect(perAddress.size).toBe(N);
    for (const s of subscribers) expect(perAddress.get(s.email), s.email).toBe(1);
    const status = await h.status(issueId);
    expect(status).toMatchObject({ state: 'done', total: N, queued: 0, sent: N, failed: 0, bounced: 0, skipped: 0, unknown: 0, possibleDuplicates: 0 });
    await expectLedgerMatches(h, issueId);
    // Completed jobs are removed: the ledger keeps the truth, not the queue.
    const counts = await h.queues.deliver.getJobCounts('completed', 'waiting', 'delayed', 'active', 'failed');
    expect(counts).toMatchObject({ completed: 0, waiting: 0, delayed: 0, active: 0, failed: 0 });
  });

  it('puts the list headers of docs/standards.md on every message', () => {
    const byEmail = new Map(subscribers.map((s) => [s.email, s.id]));
    const messageIds = new Set<string>();
    for (const mail of parsed) {
      const to = (mail.to as { value: { address: string }[] }).value[0]!.address;
      const subscriberId = byEmail.get(to)!;
      expect(subscriberId, to).toBeDefined();
      expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const urls = unsubscribeUris(mail);
      const https = urls.find((u) => u.startsWith('https://news.example.test/unsubscribe/'));
      expect(https, `https unsubscribe URI for ${to}`).toBeDefined();
      expect(urls.some((u) => u.startsWith('mailto:unsubscribe+'))).toBe(true);
      expect(header(mail, 'list-id')).toMatch(/<[a-z0-9.-]+>$/);
      // Deterministic Message-ID naming issue and subscriber; unique per message.
      expect(mail.messageId).toMatch(new RegExp(`^<${issueId}\\.${subscriberId}\\.[0-9a-f]+@`));
      messageIds.add(mail.messageId!);
      expect(mail.subject).toBe(parsed[0]!.subject);
      expect(mail.html).toBeTruthy();
      expect(mail.text).toBeTruthy();
      // The personal link verifies for exactly this subscriber and list.
      // The link names the issue it came from, so an unsubscribe through it counts against it.
      const link = new URL(https!);
      expect(link.searchParams.get('issue')).toBe(issueId);
      const token = decodeURIComponent(link.pathname.slice('/unsubscribe/'.length));
      expect(verifyListToken(h.config.secrets, token)).toEqual({ subscriberId, listId: h.listId });
      expect(mail.html).toContain(`/unsubscribe/${token}`);
      // The footer links the reader's preferences page with the same signed token.
      expect(mail.html).toContain(`https://news.example.test/preferences/${token}`);
      expect(mail.text).toContain(`https://news.example.test/preferences/${token}`);
    }
    expect(messageIds.size).toBe(N);
    // EHLO names MAIL_FROM's domain, not an IP literal; Feedback-ID names campaign, newsletter, sender.
    const ours = h.sink.messages.filter((m) => byEmail.has(m.to[0]!));
    expect(new Set(ours.map((m) => m.ehlo))).toEqual(new Set(['news.example.test']));
    expect(header(parsed[0]!, 'feedback-id')).toBe(`${issueId}:pretrain-weekly:news.example.test`);
  });

  it('the personal link, POSTed as RFC 8058 one-click, unsubscribes that subscriber', async () => {
    const queue = new Queue(QUEUES.transactional, { connection: h.redis, prefix: h.config.keyPrefix });
    const app = await buildApp({
      config: { ...h.config, adminToken: 'x'.repeat(24) },
      redis: h.redis,
      store: h.store,
      newsletters: await loadNewsletters('emails'),
      transactionalQueue: queue,
      logger: false,
    });
    try {
      const mail = parsed[7]!;
      const url = new URL(unsubscribeUris(mail).find((u) => u.startsWith('https://'))!);
      const to = (mail.to as { value: { address: string }[] }).value[0]!.address;
      const response = await app.inject({
        method: 'POST',
        url: url.pathname,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.statusCode).toBe(200);
      const subscriber = await h.store.findByEmail(to);
      expect(subscriber?.lists.includes(h.listId) && subscriber.status === 'active').toBe(false);
      // The admin API reports the same numbers as the CLI.
      const status = await app.inject({ method: 'GET', url: `/api/campaigns/${issueId}`, headers: { authorization: `Bearer ${'x'.repeat(24)}` } });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toMatchObject({ state: 'done', sent: N });
    } finally {
      await app.close();
      await queue.close();
    }
  });

  it('sending the same issue again is refused, says when and to how many it went, and changes nothing', async () => {
    const before = await h.redis.hgetall(h.keys.campaign(issueId));
    const published = await h.publish();
    const refused = await h.send(published).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AlreadySentError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^issue ${issueId} was already sent \\(finished \\S+\\): ${N} sent of ${N} \\(0 failed, 0 bounced, 0 skipped, 0 unknown\\); nothing was changed\\. To send it to subscribers who joined since: newsletter send emails/issues/${issueId}\\.yaml --new-subscribers$`,
      ),
    );
    expect(await h.redis.hgetall(h.keys.campaign(issueId))).toEqual(before);
    await h.waitForDeliverQueueAtRest();
    expect(h.sink.messages).toHaveLength(N);
  });

  it('--new-subscribers sends only to active subscribers the send never reached', async () => {
    const joined = await h.seed(3, 'joined');
    // Someone it reached who left and came back is not new: they got the issue.
    const returning = subscribers[0]!;
    await h.store.removeFromList(returning.id, h.listId);
    await h.store.addToList(returning.id, h.listId).then(() => h.store.setStatus(returning.id, 'active'));
    const { startListSend } = await import('../../src/campaign/start-send.ts');
    await startListSend({ ...h.sends, store: h.store }, await h.publish(), { onlyNew: true });
    const status = await h.waitForState(issueId, ['done']);
    await h.waitForDeliverQueueAtRest();
    const received = h.receivedPerAddress(issueId);
    for (const j of joined) expect(received.get(j.email), j.email).toBe(1);
    expect(received.get(returning.email)).toBe(1);
    expect(h.sink.messages).toHaveLength(N + 3);
    expect(status).toMatchObject({ total: N + 3, sent: N + 3, queued: 0 });
    await expectLedgerMatches(h, issueId);
  });
});
