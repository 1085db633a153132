// POST /webhooks/ses as Amazon SNS calls it: recorded-shape SES notifications (test/fixtures/ses),
// signed with a test key whose certificate the route fetches for the SigningCertURL. The
// signature, the topic and the certificate's host are what let a body change a subscriber; the
// Timestamp (signed too) must be within SNS's retry hour; a message counts as seen only once it
// was applied, so a delivery that failed half-way is finished by SNS's retry, each report once.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimWebhookMessage } from '../../src/delivery-reports/webhook-seen.ts';
import { loadSnsFixture, signSnsFixture, testCertificatePem } from '../helpers/sns-signing.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:newsletter-ses';
const CERT_URL = loadSnsFixture('bounce-permanent').SigningCertURL!;
let h: HttpHarness;
const fetched: string[] = [];
const logged: { msg?: string; timestamp?: string; messageId?: string }[] = [];

beforeAll(async () => {
  h = await startHttpHarness({
    env: { SES_TOPIC_ARN: `arn:aws:sns:eu-west-1:123456789012:other,${TOPIC}` },
    logger: pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { msg?: string }) }),
    ses: {
      // Stands in for the network: the certificate SNS would serve, and SubscribeURL's answer.
      snsGet: async (url) => {
        fetched.push(url);
        if (url === CERT_URL) return testCertificatePem();
        if (url.startsWith('https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription')) return '<ConfirmSubscriptionResponse/>';
        throw new Error(`unexpected URL ${url}`);
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

function post(body: unknown, contentType = 'text/plain; charset=UTF-8') {
  return h.app.inject({
    method: 'POST',
    url: '/webhooks/ses',
    headers: { 'content-type': contentType, 'x-amz-sns-message-type': 'Notification' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function activeSubscriber(email: string) {
  const { subscriber } = await h.store.create({ email, lists: [h.en.listId], status: 'active' });
  return subscriber;
}

describe('POST /webhooks/ses', () => {
  it('confirms the SNS subscription by visiting SubscribeURL, once', async () => {
    const body = signSnsFixture('subscription-confirmation');
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, subscribed: true });
    expect(fetched).toContain(body.SubscribeURL);
    expect((await post(body)).json()).toEqual({ ok: true, duplicate: true });
  });

  it('a permanent bounce marks the subscriber bounced; the same message again changes nothing', async () => {
    const ada = await activeSubscriber('ada@example.com');
    const body = signSnsFixture('bounce-permanent');
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, outcomes: ['suppressed'] });
    expect(await h.store.get(ada.id)).toMatchObject({ status: 'bounced' });
    expect((await post(body)).json()).toEqual({ ok: true, duplicate: true });
    // The certificate was fetched once and then cached.
    expect(fetched.filter((u) => u === CERT_URL)).toHaveLength(1);
  });

  it('a complaint (signature version 2) unsubscribes and suppresses', async () => {
    await h.store.remove((await h.store.findByEmail('ada@example.com'))!.id);
    const ada = await activeSubscriber('ada@example.com');
    const res = await post(signSnsFixture('complaint-abuse', '2'));
    expect(res.json()).toEqual({ ok: true, outcomes: ['suppressed'] });
    expect(await h.store.get(ada.id)).toMatchObject({ status: 'complained' });
  });

  it('a transient bounce counts as soft; a delivery notification is ignored', async () => {
    const grace = await activeSubscriber('grace@example.com');
    expect((await post(signSnsFixture('bounce-transient'))).json()).toEqual({ ok: true, outcomes: ['soft-bounce'] });
    expect(await h.store.get(grace.id)).toMatchObject({ status: 'active' });
    expect((await post(signSnsFixture('delivery'))).json()).toMatchObject({ ok: true, ignored: expect.any(String) });
  });

  it('refuses forged, foreign and malformed bodies with one clear line and changes nothing', async () => {
    const lin = await activeSubscriber('lin@example.com');
    const genuine = signSnsFixture('bounce-permanent', '1', { MessageId: 'forge-test-1' });
    const forged = { ...genuine, Message: genuine.Message!.replace('ada@example.com', 'lin@example.com') };
    const refused = await post(forged);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/signature does not match/);
    expect(await h.store.get(lin.id)).toMatchObject({ status: 'active' });

    const otherTopic = await post(
      signSnsFixture('bounce-permanent', '1', { TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else', MessageId: 'forge-test-2' }),
    );
    expect(otherTopic.statusCode).toBe(403);
    expect(otherTopic.json().message).toMatch(/not in SES_TOPIC_ARN/);

    const before = fetched.length;
    const evilCert = await post(
      signSnsFixture('bounce-permanent', '1', { SigningCertURL: 'https://sns.us-east-1.amazonaws.com.evil.test/cert.pem', MessageId: 'forge-test-3' }),
    );
    expect(evilCert.statusCode).toBe(400);
    expect(fetched.length).toBe(before); // never fetched

    for (const body of ['not json', '{"Type":"Notification"}', '[]', JSON.stringify({ ...genuine, Signature: '!!' })]) {
      const res = await post(body);
      expect(res.statusCode, body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, body).toBeLessThan(500);
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await h.store.get(lin.id)).toMatchObject({ status: 'active' });
  });
});

/** The Message of the transient-bounce fixture, listing these recipients. */
function transientBounceTo(...emails: string[]): string {
  const message = JSON.parse(loadSnsFixture('bounce-transient').Message!) as { bounce: { bouncedRecipients: unknown[] } };
  message.bounce.bouncedRecipients = emails.map((emailAddress) => ({
    emailAddress,
    action: 'failed',
    status: '4.2.2',
    diagnosticCode: 'smtp; 452 4.2.2 over quota',
  }));
  return JSON.stringify(message);
}

const softBounces = async (id: string) => Number((await h.redis.get(h.keys.softBounces(id))) ?? 0);

describe('freshness', () => {
  it('refuses a validly signed notification dated 2019 with a 400 and a warning line, and changes nothing', async () => {
    const mo = await activeSubscriber('mo@example.com');
    const old = signSnsFixture('bounce-permanent', '1', {
      Timestamp: '2019-05-06T09:00:02.184Z',
      MessageId: 'stale-1',
      Message: loadSnsFixture('bounce-permanent').Message!.replaceAll('ada@example.com', 'mo@example.com'),
    });
    const res = await post(old);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(
      /^SNS message: dated 2019-05-06T09:00:02\.184Z, \d+ minutes ago; older than SNS ever retries \(an hour\), so it is refused as a replay$/,
    );
    expect(await h.store.get(mo.id)).toMatchObject({ status: 'active' });
    expect(logged.filter((l) => l.msg === 'SES webhook: stale SNS message refused (a replay?)')).toEqual([
      expect.objectContaining({ messageId: 'stale-1', timestamp: '2019-05-06T09:00:02.184Z' }),
    ]);
    // Not marked seen either: nothing about it is kept.
    expect(await h.redis.exists(h.keys.webhookSeen('sns:stale-1'))).toBe(0);

    const ahead = await post(signSnsFixture('bounce-permanent', '1', { Timestamp: new Date(Date.now() + 3_600_000).toISOString(), MessageId: 'stale-2' }));
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().message).toMatch(/minutes in the future; refused/);
    // Within the hour SNS may still be retrying: accepted.
    const late = await post(
      signSnsFixture('bounce-transient', '1', {
        Timestamp: new Date(Date.now() - 50 * 60_000).toISOString(),
        MessageId: 'late-1',
        Message: transientBounceTo('mo@example.com'),
      }),
    );
    expect(late.json()).toEqual({ ok: true, outcomes: ['soft-bounce'] });
  });
});

describe('seen only once applied', () => {
  it('a delivery that fails half-way is finished by the retry, each report applied once; later copies change nothing', async () => {
    const kim = await activeSubscriber('kim@example.com');
    const lee = await activeSubscriber('lee@example.com');
    const body = signSnsFixture('bounce-transient', '1', { MessageId: 'retry-1', Message: transientBounceTo('kim@example.com', 'lee@example.com') });

    // Lee's record is unreadable for a moment (a real Redis error: WRONGTYPE), after Kim's report was applied.
    const record = h.keys.subscriber(lee.id);
    await h.redis.rename(record, `${record}:aside`);
    await h.redis.set(record, 'not a hash');
    const failed = await post(body);
    expect(failed.statusCode).toBe(500);
    expect(await softBounces(kim.id)).toBe(1);
    expect(await softBounces(lee.id)).toBe(0);
    await h.redis.del(record);
    await h.redis.rename(`${record}:aside`, record);

    // SNS retries the same message: Lee's report is applied, Kim's is not applied again.
    const retried = await post(body);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ ok: true, outcomes: ['soft-bounce', 'soft-bounce'] });
    expect(await softBounces(kim.id)).toBe(1);
    expect(await softBounces(lee.id)).toBe(1);

    // Applied: every later copy (SNS's at-least-once delivery, a replay within the hour) is a duplicate.
    for (let i = 0; i < 2; i++) expect((await post(body)).json()).toEqual({ ok: true, duplicate: true });
    expect(await softBounces(kim.id)).toBe(1);
    expect(await softBounces(lee.id)).toBe(1);
  });

  it('the same valid message twice in a row applies once', async () => {
    const sam = await activeSubscriber('sam@example.com');
    const body = signSnsFixture('bounce-transient', '1', { MessageId: 'twice-1', Message: transientBounceTo('sam@example.com') });
    expect((await post(body)).json()).toEqual({ ok: true, outcomes: ['soft-bounce'] });
    expect((await post(body)).json()).toEqual({ ok: true, duplicate: true });
    expect(await softBounces(sam.id)).toBe(1);
  });

  it('a copy that comes while another request applies the message is asked to come back (503), then applied once', async () => {
    const jo = await activeSubscriber('jo@example.com');
    const body = signSnsFixture('bounce-transient', '1', { MessageId: 'busy-1', Message: transientBounceTo('jo@example.com') });
    const held = await claimWebhookMessage(h.redis, h.keys, 'sns:busy-1');
    expect(held.kind).toBe('claimed');
    const busy = await post(body);
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('30');
    expect(await softBounces(jo.id)).toBe(0);
    if (held.kind === 'claimed') await held.release();
    expect((await post(body)).json()).toEqual({ ok: true, outcomes: ['soft-bounce'] });
    expect(await softBounces(jo.id)).toBe(1);
  });

  it('a message marked seen by the version before this one stays a duplicate', async () => {
    await h.redis.set(h.keys.webhookSeen('sns:legacy-1'), '1', 'EX', 60);
    expect((await post(signSnsFixture('bounce-permanent', '1', { MessageId: 'legacy-1' }))).json()).toEqual({ ok: true, duplicate: true });
  });
});
