// The optional second factor: time-based one-time codes (RFC 6238, through otpauth): 6 digits,
// 30-second steps, SHA-1 (what every authenticator app reads), one step either side for a
// clock that drifts. A code's step is remembered once used, so a code works only once. The
// secret is kept sealed (AES-256-GCM) under a key derived from SECRET: a dump of Redis does not
// hold it. SECRET_PREVIOUS still opens what the previous SECRET sealed.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Config } from '../config/index.ts';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpOf(secret: string, label = 'newsletter'): TOTP {
  return new TOTP({ issuer: 'newsletter', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// address an authenticator app takes (typed or pasted). */
export function totpUri(secret: string, email: string): string {
  return totpOf(secret, email).toString();
}

/** The time step a code belongs to (one step either side of now), or null when it is not the secret's code. */
export function totpStepOf(secret: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

/** The code for a moment (tests, and nothing else, need to make one). */
export function totpCodeAt(secret: string, now: number): string {
  return totpOf(secret).generate({ timestamp: now });
}

const keyOf = (secret: string) => createHmac('sha256', secret).update('newsletter-totp-seal').digest();

export function sealTotpSecret(secrets: Config['secrets'], totpSecret: string): string {
  const current = secrets[0];
  if (!current) throw new Error('sealTotpSecret: no secret configured (SECRET)');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(current.key), iv);
  const sealed = Buffer.concat([iv, cipher.update(totpSecret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${current.version}:${sealed.toString('base64url')}`;
}

/** The secret, or null when no configured SECRET sealed it (rotated away) or it is damaged. */
export function openTotpSecret(secrets: Config['secrets'], sealed: string): string | null {
  const [version, data] = sealed.split(':');
  const key = secrets.find((s) => String(s.version) === version);
  if (!key || !data) return null;
  try {
    const bytes = Buffer.from(data, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', keyOf(key.key), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
