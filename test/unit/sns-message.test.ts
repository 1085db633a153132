import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  isAwsSnsUrl,
  parseSnsBody,
  SnsMessageError,
  snsStaleness,
  snsStringToSign,
  SnsVerifier,
  type SnsMessage,
} from '../../src/delivery-reports/sns-message.ts';
import { loadSnsFixture, signSnsFixture, testCertificatePem } from '../helpers/sns-signing.ts';

const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
const FIXTURES = ['bounce-permanent', 'bounce-transient', 'complaint-abuse', 'delivery', 'subscription-confirmation'];

/** A certificate fetcher that serves the test certificate for CERT_URL only, and counts calls. */
function countingFetcher(serve: Record<string, string> = { [CERT_URL]: testCertificatePem() }) {
  const calls: string[] = [];
  const fetchCertificate = async (url: string): Promise<string> => {
    calls.push(url);
    await new Promise((r) => setTimeout(r, 5));
    const pem = serve[url];
    if (pem === undefined) throw new Error('404 not found');
    return pem;
  };
  return { calls, fetchCertificate };
}

describe('isAwsSnsUrl', () => {
  it('accepts SNS hosts in AWS regions and China', () => {
    for (const url of [
      CERT_URL,
      'https://sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.cn-north-1.amazonaws.com.cn/x.pem',
      'https://SNS.US-EAST-1.AMAZONAWS.COM/x.pem',
      'https://sns.us-east-1.amazonaws.com:443/x.pem',
    ]) {
      expect(isAwsSnsUrl(url), url).toBe(true);
    }
  });
  it('refuses other schemes, hosts, ports and userinfo', () => {
    for (const url of [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.test/x.pem',
      'https://evil.test/sns.us-east-1.amazonaws.com/x.pem',
      'https://user@sns.us-east-1.amazonaws.com/x.pem',
      'https://user:pw@sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/x.pem',
      'https://s3.us-east-1.amazonaws.com/x.pem',
      'https://sns.amazonaws.com/x.pem',
      'https://xsns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us_east.amazonaws.com/x.pem',
      'ftp://sns.us-east-1.amazonaws.com/x.pem',
      'sns.us-east-1.amazonaws.com/x.pem',
      '',
    ]) {
      expect(isAwsSnsUrl(url), url).toBe(false);
    }
  });
});

describe('parseSnsBody', () => {
  it('parses every fixture, from text and from an object, without unknown fields', () => {
    for (const name of FIXTURES) {
      const raw = loadSnsFixture(name);
      const fromText = parseSnsBody(JSON.stringify(raw));
      expect(fromText).toEqual(raw);
      expect(parseSnsBody(raw)).toEqual(raw);
      expect(parseSnsBody(Buffer.from(JSON.stringify(raw)))).toEqual(raw);
    }
    expect(parseSnsBody({ ...loadSnsFixture('delivery'), Extra: 'x' })).not.toHaveProperty('Extra');
  });

  const body = loadSnsFixture('bounce-permanent');
  const cases: [string, unknown, RegExp][] = [
    ['bad JSON', '{"Type":', /the body is not valid JSON/],
    ['a JSON array', '[]', /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['a missing field', { ...body, MessageId: undefined }, /MessageId is missing/],
    ['a wrong type', { ...body, Message: 42 }, /Message must be a string/],
    ['an unknown Type', { ...body, Type: 'Other' }, /Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation/],
    ['SignatureVersion 3', { ...body, SignatureVersion: '3' }, /SignatureVersion must be "1" or "2"/],
    ['SignatureVersion as a number', { ...body, SignatureVersion: 1 }, /SignatureVersion must be "1" or "2"/],
    ['a cert URL off AWS', { ...body, SigningCertURL: 'https://evil.test/cert.pem' }, /SigningCertURL must be an https:\/\/ URL on sns/],
    ['a Timestamp that is not ISO', { ...body, Timestamp: 'Mon, 06 May 2024 09:00:00 GMT' }, /Timestamp must be an ISO 8601 UTC time/],
    [
      'a confirmation without Token',
      { ...loadSnsFixture('subscription-confirmation'), Token: undefined },
      /Token is missing \(needed for a SubscriptionConfirmation\)/,
    ],
    [
      'a SubscribeURL off AWS',
      { ...loadSnsFixture('subscription-confirmation'), SubscribeURL: 'https://evil.test/?Action=ConfirmSubscription' },
      /SubscribeURL must be an https:\/\/ URL on sns/,
    ],
    ['a body over 256 KB', JSON.stringify({ ...body, Message: 'x'.repeat(256 * 1024) }), /larger than 256 KB/],
    ['an object over 256 KB', { ...body, Message: 'x'.repeat(256 * 1024) }, /larger than 256 KB/],
  ];
  it.each(cases)('refuses %s with SnsMessageError', (_, input, message) => {
    const parse = () => parseSnsBody(input);
    expect(parse).toThrow(SnsMessageError);
    expect(parse).toThrow(message);
  });

  it('never echoes the body in the error', () => {
    const secret = 'SECRET-BODY-CONTENT';
    for (const input of [`{"Message":"${secret}"`, { ...body, Message: secret, SignatureVersion: '9' }]) {
      expect(() => parseSnsBody(input)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
    }
  });

  it('throws nothing but SnsMessageError for arbitrary JSON, strings and near-SNS objects', () => {
    const value = fc.oneof(fc.constantFrom('Notification', 'SubscriptionConfirmation', '1', '2', CERT_URL, '2024-05-06T09:00:00.000Z'), fc.jsonValue());
    const nearSns = fc.record(
      Object.fromEntries(
        ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'Subject', 'SubscribeURL', 'Token'].map(
          (k) => [k, value],
        ),
      ),
      { requiredKeys: [] },
    );
    const input = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue(),
      nearSns,
      nearSns.map((o) => JSON.stringify(o)),
      fc.anything(),
    );
    fc.assert(
      fc.property(input, (v) => {
        try {
          parseSnsBody(v);
        } catch (err) {
          if (!(err instanceof SnsMessageError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('snsStringToSign', () => {
  const base = {
    MessageId: 'id',
    TopicArn: 'arn',
    Message: 'm\nx',
    Timestamp: '2024-01-01T00:00:00Z',
    SignatureVersion: '1',
    Signature: '',
    SigningCertURL: CERT_URL,
  } as const;
  it('orders the keys as AWS documents, with Subject only if present', () => {
    const n: SnsMessage = { ...base, Type: 'Notification', UnsubscribeURL: 'u' };
    expect(snsStringToSign(n)).toBe('Message\nm\nx\nMessageId\nid\nTimestamp\n2024-01-01T00:00:00Z\nTopicArn\narn\nType\nNotification\n');
    expect(snsStringToSign({ ...n, Subject: 's' })).toBe(
      'Message\nm\nx\nMessageId\nid\nSubject\ns\nTimestamp\n2024-01-01T00:00:00Z\nTopicArn\narn\nType\nNotification\n',
    );
    expect(snsStringToSign({ ...base, Type: 'SubscriptionConfirmation', SubscribeURL: 'su', Token: 't' })).toBe(
      'Message\nm\nx\nMessageId\nid\nSubscribeURL\nsu\nTimestamp\n2024-01-01T00:00:00Z\nToken\nt\nTopicArn\narn\nType\nSubscriptionConfirmation\n',
    );
  });
});

describe('snsStaleness', () => {
  const now = Date.parse('2025-06-02T08:00:00Z');
  const at = (offsetMs: number) => ({ Timestamp: new Date(now + offsetMs).toISOString() });
  it('accepts a message up to an hour (and 5 minutes of clock skew) old, or up to 5 minutes ahead', () => {
    for (const offset of [0, -59 * 60_000, -65 * 60_000, 5 * 60_000]) expect(snsStaleness(at(offset), now), String(offset)).toBeNull();
  });
  it('refuses an older one (SNS never retries that long: a replay) and one further ahead, saying when it was dated', () => {
    expect(snsStaleness(at(-65 * 60_000 - 1_000), now)).toMatch(
      /^SNS message: dated 2025-06-02T06:54:59\.000Z, 65 minutes ago; older than SNS ever retries \(an hour\), so it is refused as a replay$/,
    );
    expect(snsStaleness({ Timestamp: '2019-05-06T09:00:02.184Z' }, now)).toMatch(
      /^SNS message: dated 2019-05-06T09:00:02\.184Z, \d+ minutes ago; older than SNS ever retries/,
    );
    expect(snsStaleness(at(6 * 60_000), now)).toBe(
      'SNS message: dated 2025-06-02T08:06:00.000Z, 6 minutes in the future; refused (more than 5 minutes of clock skew)',
    );
  });
});

describe('SnsVerifier', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each(['1', '2'] as const)('verifies signature version %s and fetches the certificate once', async (version) => {
    const { calls, fetchCertificate } = countingFetcher();
    const verifier = new SnsVerifier({ fetchCertificate });
    for (const name of FIXTURES) await verifier.verify(parseSnsBody(signSnsFixture(name, version)));
    expect(calls).toEqual([CERT_URL]);
  });

  it('shares one fetch between concurrent verifies of the same URL', async () => {
    const { calls, fetchCertificate } = countingFetcher();
    const verifier = new SnsVerifier({ fetchCertificate });
    await Promise.all(FIXTURES.map((name) => verifier.verify(parseSnsBody(signSnsFixture(name)))));
    expect(calls).toEqual([CERT_URL]);
  });

  it('keeps at most maxCached certificates', async () => {
    const other = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-other.pem';
    const { calls, fetchCertificate } = countingFetcher({ [CERT_URL]: testCertificatePem(), [other]: testCertificatePem() });
    const verifier = new SnsVerifier({ fetchCertificate, maxCached: 1 });
    await verifier.verify(parseSnsBody(signSnsFixture('delivery')));
    await verifier.verify(parseSnsBody(signSnsFixture('delivery', '1', { SigningCertURL: other })));
    await verifier.verify(parseSnsBody(signSnsFixture('delivery')));
    expect(calls).toEqual([CERT_URL, other, CERT_URL]);
  });

  const tampered: [string, (m: Record<string, string>) => Record<string, string>][] = [
    ['a changed Message', (m) => ({ ...m, Message: m.Message!.replace('Permanent', 'Transient') })],
    ['an added Subject', (m) => ({ ...m, Subject: 'hello' })],
    ['a changed TopicArn', (m) => ({ ...m, TopicArn: 'arn:aws:sns:us-east-1:123456789012:other' })],
    ['a changed Type', (m) => ({ ...m, Type: 'SubscriptionConfirmation', SubscribeURL: CERT_URL, Token: 't' })],
    ['a signature of the other version', (m) => ({ ...m, SignatureVersion: m.SignatureVersion === '1' ? '2' : '1' })],
    ['a truncated signature', (m) => ({ ...m, Signature: m.Signature!.slice(0, 40) })],
  ];
  it.each(tampered)('refuses %s', async (_, tamper) => {
    const verifier = new SnsVerifier(countingFetcher());
    for (const version of ['1', '2'] as const) {
      const m = parseSnsBody(tamper(signSnsFixture('bounce-permanent', version)));
      await expect(verifier.verify(m)).rejects.toThrow(SnsMessageError);
      await expect(verifier.verify(m)).rejects.toThrow(/signature does not match/);
    }
  });

  it('refuses an empty or non-base64 signature', async () => {
    const verifier = new SnsVerifier(countingFetcher());
    await expect(verifier.verify(parseSnsBody(loadSnsFixture('delivery')))).rejects.toThrow(/Signature is not base64/);
    await expect(verifier.verify(parseSnsBody({ ...signSnsFixture('delivery'), Signature: 'not base64!' }))).rejects.toThrow(/Signature is not base64/);
  });

  it.each([
    'https://sns.us-east-1.amazonaws.com.evil.test/SimpleNotificationService-test.pem',
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem',
    'https://evil.test/SimpleNotificationService-test.pem',
    'https://user@sns.us-east-1.amazonaws.com/x.pem',
    'https://sns.us-east-1.amazonaws.com:8443/x.pem',
  ])('refuses the cert URL %s without fetching', async (url) => {
    const { calls, fetchCertificate } = countingFetcher({ [url]: testCertificatePem() });
    const verifier = new SnsVerifier({ fetchCertificate });
    const body = signSnsFixture('bounce-permanent', '1', { SigningCertURL: url });
    expect(() => parseSnsBody(body)).toThrow(/SigningCertURL must be an https:\/\/ URL on sns/);
    // Even a message that skipped parseSnsBody is checked before anything is fetched.
    await expect(verifier.verify(body as unknown as SnsMessage)).rejects.toThrow(/SigningCertURL must be an https:\/\/ URL on sns/);
    expect(calls).toHaveLength(0);
  });

  it('does not cache a failed fetch', async () => {
    let fail = true;
    let calls = 0;
    const verifier = new SnsVerifier({
      fetchCertificate: async () => {
        calls++;
        if (fail) throw new Error('connect ETIMEDOUT');
        return testCertificatePem();
      },
    });
    const m = parseSnsBody(signSnsFixture('complaint-abuse'));
    await expect(verifier.verify(m)).rejects.toThrow(
      /cannot fetch the signing certificate at https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-test\.pem: connect ETIMEDOUT/,
    );
    fail = false;
    await verifier.verify(m);
    await verifier.verify(m);
    expect(calls).toBe(2);
  });

  it('refuses a certificate that does not parse, and does not cache it', async () => {
    const { calls, fetchCertificate } = countingFetcher({ [CERT_URL]: '<html>not a certificate</html>' });
    const verifier = new SnsVerifier({ fetchCertificate });
    const m = parseSnsBody(signSnsFixture('delivery'));
    await expect(verifier.verify(m)).rejects.toThrow(/is not a PEM X\.509 certificate/);
    await expect(verifier.verify(m)).rejects.toThrow(SnsMessageError);
    expect(calls).toHaveLength(2);
  });

  it('never puts the message body in its errors', async () => {
    const verifier = new SnsVerifier(countingFetcher());
    const m = parseSnsBody({ ...signSnsFixture('bounce-permanent'), Message: '{"secret":"SECRET-BODY-CONTENT"}' });
    await expect(verifier.verify(m)).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('SECRET-BODY-CONTENT') }));
  });

  describe('default certificate fetcher', () => {
    it('fetches without redirects, with a timeout, and verifies', async () => {
      const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(testCertificatePem(), { status: 200 }));
      vi.stubGlobal('fetch', fetchMock);
      await new SnsVerifier().verify(parseSnsBody(signSnsFixture('bounce-transient', '2')));
      expect(fetchMock).toHaveBeenCalledTimes(1);
      const [url, init] = fetchMock.mock.calls[0]!;
      expect(url).toBe(CERT_URL);
      expect(init?.redirect).toBe('error');
      expect(init?.signal).toBeInstanceOf(AbortSignal);
    });

    it('refuses a non-2xx answer and an answer over 16 KB', async () => {
      const m = parseSnsBody(signSnsFixture('delivery'));
      vi.stubGlobal('fetch', async () => new Response('nope', { status: 403 }));
      await expect(new SnsVerifier().verify(m)).rejects.toThrow(/cannot fetch the signing certificate .*: HTTP 403/);
      const big = testCertificatePem() + 'x'.repeat(16 * 1024);
      vi.stubGlobal('fetch', async () => new Response(big, { status: 200 }));
      await expect(new SnsVerifier().verify(m)).rejects.toThrow(/larger than 16384 bytes/);
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(1024));
          c.close();
        },
      });
      vi.stubGlobal('fetch', async () => new Response(stream, { status: 200 })); // no content-length
      await expect(new SnsVerifier().verify(m)).rejects.toThrow(/larger than 16384 bytes/);
    });
  });
});
