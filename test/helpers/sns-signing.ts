// Signs the SNS fixtures in test/fixtures/ses with the test-only key there, so tests (unit and
// HTTP) can exercise real signature verification. The string to sign is built here on its own,
// not with the code under test, so a mistake there cannot sign and verify itself.
import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/ses/', import.meta.url);

export function testCertificatePem(): string {
  return readFileSync(new URL('test-signing-cert.pem', dir), 'utf8');
}

/** The fixture body as stored (unsigned); `name` is e.g. "bounce-permanent". */
export function loadSnsFixture(name: string): Record<string, string> {
  const file = name.endsWith('.json') ? name : `${name}.unsigned.json`;
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, string>;
}

/**
 * Loads a fixture, dates it now (as SNS would send it today: the route refuses a message older
 * than an hour), applies overrides (an undefined value deletes the key; `Timestamp` dates it
 * otherwise), and signs it.
 */
export function signSnsFixture(name: string, version: '1' | '2' = '1', overrides?: object): Record<string, string> {
  const body: Record<string, string> = { ...loadSnsFixture(name), Timestamp: new Date().toISOString(), SignatureVersion: version };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete body[key];
    else body[key] = value as string;
  }
  const keys =
    body.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  const text = keys
    .filter((k) => k in body)
    .map((k) => `${k}\n${String(body[k])}\n`)
    .join('');
  const key = readFileSync(new URL('test-signing-key.pem', dir), 'utf8');
  body.Signature = sign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256', Buffer.from(text, 'utf8'), key).toString('base64');
  return body;
}
