// The error shapes below are the ones nodemailer 10.6 lib/smtp-connection builds (code,
// command, responseCode, response), phase by phase; the integration test provokes the real ones.
import { describe, expect, it } from 'vitest';
import { classifySmtpError, type SmtpPhase } from '../../src/mail/classify-smtp-error.ts';
import type { DeliveryOutcome } from '../../src/mail/types.ts';

function smtpError(fields: { code?: string; command?: string; response?: string; message?: string; originalCode?: string }): Error {
  const err = new Error(fields.message ?? 'failed') as Error & Record<string, unknown>;
  Object.assign(err, fields);
  if (fields.response) err.responseCode = Number(/^\d+/.exec(fields.response)?.[0]);
  return err;
}

type Row = [name: string, err: unknown, phase: SmtpPhase | undefined, expected: Partial<DeliveryOutcome> & { kind: DeliveryOutcome['kind'] }];

const rows: Row[] = [
  // Replies about this recipient or this message: permanent, except 4xx, 421 and 503.
  [
    'RCPT TO 550 user unknown',
    smtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '550 5.1.1 <x@example.org>: user unknown' }),
    'before-data',
    { kind: 'permanent', code: 550 },
  ],
  [
    'all recipients rejected 553',
    smtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '553 5.1.3 bad address' }),
    'before-data',
    { kind: 'permanent', code: 553 },
  ],
  [
    'reply to the DATA command 554',
    smtpError({ code: 'EENVELOPE', command: 'DATA', response: '554 5.5.1 no valid recipients' }),
    'before-data',
    { kind: 'permanent', code: 554 },
  ],
  [
    'final reply 550 after the data',
    smtpError({ code: 'EMESSAGE', command: 'DATA', response: '550 5.7.1 message refused' }),
    'after-data',
    { kind: 'permanent', code: 550 },
  ],
  [
    'RCPT TO 451 greylisted',
    smtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '451 4.7.1 greylisted, try later' }),
    'before-data',
    { kind: 'transient', code: 451 },
  ],
  [
    'final reply 452 after the data is a definite answer',
    smtpError({ code: 'EMESSAGE', command: 'DATA', response: '452 4.3.1 out of memory' }),
    'after-data',
    { kind: 'transient', code: 452 },
  ],
  [
    'final reply 421 after the data',
    smtpError({ code: 'EMESSAGE', command: 'DATA', response: '421 4.3.2 shutting down' }),
    'after-data',
    { kind: 'transient', code: 421 },
  ],
  [
    '421 while idle or greeting',
    smtpError({ code: 'ECONNECTION', command: 'CONN', response: '421 too many connections' }),
    'before-data',
    { kind: 'transient', code: 421 },
  ],
  [
    'RCPT TO 503 bad sequence',
    smtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '503 5.5.1 bad sequence of commands' }),
    'before-data',
    { kind: 'transient', code: 503 },
  ],
  ['a bare reply code without a command', { responseCode: 550, message: '550 rejected' }, undefined, { kind: 'permanent', code: 550 }],
  // 5xx about the session or the sender: never the subscriber's fault, never a bounce.
  [
    'MAIL FROM 550 sender refused',
    smtpError({ code: 'EENVELOPE', command: 'MAIL FROM', response: '550 5.7.1 sender rejected' }),
    'before-data',
    { kind: 'transient', code: 550, systemic: true },
  ],
  [
    'AUTH 535 wrong password',
    smtpError({ code: 'EAUTH', command: 'AUTH PLAIN', response: '535 5.7.8 authentication failed' }),
    'before-data',
    { kind: 'transient', code: 535, systemic: true },
  ],
  [
    'greeting 554 no service',
    smtpError({ code: 'EPROTOCOL', command: 'CONN', response: '554 no SMTP service here' }),
    'before-data',
    { kind: 'transient', code: 554, systemic: true },
  ],
  ['EHLO 550', smtpError({ code: 'EPROTOCOL', command: 'EHLO', response: '550 go away' }), 'before-data', { kind: 'transient', code: 550, systemic: true }],
  [
    'STARTTLS 554',
    smtpError({ code: 'ETLS', command: 'STARTTLS', response: '554 TLS not available' }),
    'before-data',
    { kind: 'transient', code: 554, systemic: true },
  ],
  // Connection failures: before the data a retry, after it nobody knows.
  // The server is not there: the whole send waits for it (systemic, ends by itself).
  [
    'connection refused',
    smtpError({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }),
    'before-data',
    { kind: 'transient', systemic: true, unreachable: true },
  ],
  [
    'no route to the host',
    smtpError({ code: 'ESOCKET', command: 'CONN', originalCode: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.0.0.9:25' }),
    'before-data',
    { kind: 'transient', systemic: true, unreachable: true },
  ],
  [
    'a reset is not unreachable',
    smtpError({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNRESET', message: 'read ECONNRESET' }),
    'before-data',
    { kind: 'transient' },
  ],
  ['greeting timeout', smtpError({ code: 'ETIMEDOUT', command: 'CONN', message: 'Greeting never received' }), 'before-data', { kind: 'transient' }],
  [
    'closed before the greeting',
    smtpError({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }),
    'before-data',
    { kind: 'transient' },
  ],
  [
    'pool gave up after a close (maxRequeues 0)',
    smtpError({ code: 'ECONNECTION', message: 'Reached maximum number of retries after connection was closed' }),
    'before-data',
    { kind: 'transient' },
  ],
  ['socket timeout waiting for the final reply', smtpError({ code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' }), 'after-data', { kind: 'ambiguous' }],
  [
    'closed while waiting for the final reply',
    smtpError({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }),
    'after-data',
    { kind: 'ambiguous' },
  ],
  [
    'reset while waiting for the final reply',
    smtpError({ code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNRESET', message: 'read ECONNRESET' }),
    'after-data',
    { kind: 'ambiguous' },
  ],
  [
    'garbled reply after the data',
    smtpError({ code: 'EPROTOCOL', command: 'CONN', message: 'Server response exceeds maximum allowed size' }),
    'after-data',
    { kind: 'ambiguous' },
  ],
  ['a plain node socket error after the data', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'after-data', { kind: 'ambiguous' }],
  ['a timeout whose command says DATA, phase unknown', smtpError({ code: 'ETIMEDOUT', command: 'DATA' }), undefined, { kind: 'ambiguous' }],
  ['the transport phase wins over the command', smtpError({ code: 'ETIMEDOUT', command: 'DATA' }), 'before-data', { kind: 'transient' }],
  ['a lost connection, phase unknown', smtpError({ code: 'ECONNECTION', command: 'CONN' }), undefined, { kind: 'transient' }],
  // Setup failures: systemic.
  [
    'DNS failure',
    smtpError({ code: 'EDNS', command: 'CONN', message: 'getaddrinfo ENOTFOUND smtp.invalid' }),
    'before-data',
    { kind: 'transient', systemic: true },
  ],
  ['TLS failure', smtpError({ code: 'ETLS', command: 'CONN', message: 'Error initiating TLS' }), 'before-data', { kind: 'transient', systemic: true }],
  [
    'no credentials',
    smtpError({ code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' }),
    'before-data',
    { kind: 'transient', systemic: true },
  ],
  // Refused locally or not an SMTP error at all: nothing complete reached a server.
  [
    'invalid recipient refused locally',
    smtpError({ code: 'EENVELOPE', command: 'API', message: 'Invalid recipient "a\\r\\nb"' }),
    'before-data',
    { kind: 'transient' },
  ],
  [
    'size over the advertised limit',
    smtpError({ code: 'EMESSAGE', command: 'MAIL FROM', message: 'Message size larger than allowed 1000' }),
    'before-data',
    { kind: 'transient' },
  ],
  ['pool closed', new Error('Connection pool was closed'), 'before-data', { kind: 'transient' }],
  ['a thrown string', 'boom', undefined, { kind: 'transient', reason: 'boom' }],
  ['null', null, undefined, { kind: 'transient' }],
];

describe('classifySmtpError', () => {
  it.each(rows)('%s', (_name, err, phase, expected) => {
    const outcome = classifySmtpError(err, phase);
    expect(outcome).toMatchObject(expected);
    if (!('systemic' in expected)) expect(outcome).not.toHaveProperty('systemic');
    if (outcome.kind === 'transient' && !('code' in expected)) expect(outcome.code).toBeUndefined();
    expect(outcome.kind === 'sent' ? outcome.response : outcome.reason).toMatch(/\S/);
  });

  it('keeps the server reply and the command in the reason, on one line', () => {
    const outcome = classifySmtpError(
      smtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '550-5.1.1 first line\n550 5.1.1 second line' }),
      'before-data',
    );
    expect(outcome).toEqual({ kind: 'permanent', code: 550, reason: 'RCPT TO: 550-5.1.1 first line 550 5.1.1 second line' });
  });

  it('bounds a very long reason', () => {
    const outcome = classifySmtpError(smtpError({ code: 'ETIMEDOUT', message: 'x'.repeat(5000) }), 'before-data');
    expect(outcome.kind === 'transient' && outcome.reason.length).toBeLessThanOrEqual(300);
  });
});
