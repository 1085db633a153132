// POST /webhooks/ses as Amazon SNS calls it: recorded-shape SES notifications (test/fixtures/ses),
// signed with a test key whose certificate the route fetches for the SigningCertURL. The
// signature, the topic and the certificate's host are what let a body change a subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnsFixture, signSnsFixture, testCertificatePem } from '../helpers/sns-signing.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:newsletter-ses';
const CERT_URL = loadSnsFixture('bounce-permanent').SigningCertURL!;
let h: HttpHarness;
const fetched: string[] = [];

beforeAll(async () => {
  h = await startHttpHarness({
    env: { SES_TOPIC_ARN: `arn:aws:sns:eu-west-1:123456789012:other,${TOPIC}` },
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
  return h.app.inject({ method: 'POST', url: '/webhooks/ses', headers: { 'content-type': contentType, 'x-amz-sns-message-type': 'Notification' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
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

    const otherTopic = await post(signSnsFixture('bounce-permanent', '1', { TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else', MessageId: 'forge-test-2' }));
    expect(otherTopic.statusCode).toBe(403);
    expect(otherTopic.json().message).toMatch(/not in SES_TOPIC_ARN/);

    const before = fetched.length;
    const evilCert = await post(signSnsFixture('bounce-permanent', '1', { SigningCertURL: 'https://sns.us-east-1.amazonaws.com.evil.test/cert.pem', MessageId: 'forge-test-3' }));
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
