// The pooled transport against real smtp-server instances: delivery by both paths, and each
// failure class produced by a real server (or a real missing one), including the ambiguous
// timeout after the data and the pool's own re-sending being off.
import { createServer, type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpMailer, type SmtpMailerOptions } from '../../src/mail/smtp-transport.ts';
import { prepareIssueMime } from '../../src/mail/issue-mime.ts';
import { buildNewsletterMessage } from '../../src/mail/newsletter-message.ts';
import type { Mailer, MimeRecipient } from '../../src/mail/types.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { startSmtpSink, type SinkReply } from '../helpers/smtp-sink.ts';
import { syntheticIssue } from '../unit/mail-helpers.ts';

const secrets = [{ version: 1, key: 'k'.repeat(40) }];
const opts = { from: '"预训练周刊" <weekly@pretrain-weekly.example>', publicUrl: 'https://pretrain-weekly.example' };
const published = syntheticIssue({ kb: 40 });
const mime = prepareIssueMime(published, opts);

function recipient(n: number): MimeRecipient {
  return { subscriberId: String(n), email: `reader${n}@example.org`, name: `读者${n}`, unsubscribeToken: signListToken(secrets, String(n), 'pretrain-weekly') };
}

// Everything a test opens is closed after it, mailers before servers (a server waits for its connections).
const mailers: Mailer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(mailers.splice(0).map((m) => m.close()));
  for (const close of closers.splice(0).reverse()) await close();
});

function mailer(options: Omit<SmtpMailerOptions, 'smtpUrl'> & { smtpUrl: string }): Mailer {
  const m = createSmtpMailer(options);
  mailers.push(m);
  return m;
}

async function sink(reply?: (to: string) => SinkReply | null) {
  const s = await startSmtpSink(reply ? { reply } : {});
  closers.push(() => s.close());
  return s;
}

/** An smtp-server with custom hooks that counts what it sees. */
async function customServer(hooks: {
  onMailFrom?: (session: SMTPServerSession, callback: (err?: Error | null) => void) => void;
  onData?: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => void;
}) {
  const seen = { mailFrom: 0, data: 0, accepted: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onMailFrom(_address, session, callback) {
      seen.mailFrom += 1;
      if (hooks.onMailFrom) return hooks.onMailFrom(session, callback);
      callback();
    },
    onData(stream, session, callback) {
      seen.data += 1;
      if (hooks.onData) return hooks.onData(stream, session, callback);
      stream.resume();
      stream.on('end', () => {
        seen.accepted += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${port}`, seen };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('delivery', () => {
  it('sends a newsletter message through the pool (send) with its list headers', async () => {
    const s = await sink();
    const m = mailer({ smtpUrl: s.url, pool: { maxConnections: 2 } });
    const message = buildNewsletterMessage(published, recipient(1), opts);
    const outcome = await m.send(message);
    expect(outcome).toMatchObject({ kind: 'sent', response: expect.stringMatching(/^250 /) });
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]).toMatchObject({ from: 'weekly@pretrain-weekly.example', to: ['reader1@example.org'] });
    const parsed = await simpleParser(s.messages[0]!.raw);
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.subject).toBe(published.subject);
    expect(parsed.headers.get('list')).toMatchObject({
      unsubscribe: { url: message.list!.unsubscribeUrl, mail: message.list!.unsubscribeMailto.replace(/^mailto:/, '') },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    expect(parsed.text).toContain('读者1，你好！');
  });

  it('sends prebuilt fast-path messages (sendRaw) concurrently over the pool, one per recipient', async () => {
    const s = await sink();
    const m = mailer({ smtpUrl: s.url, pool: { maxConnections: 3, maxMessages: 4 } });
    const built = Array.from({ length: 20 }, (_, i) => mime.build(recipient(i + 1)));
    const outcomes = await Promise.all(built.map((b) => m.sendRaw(b.envelope, b.raw)));
    expect(outcomes.every((o) => o.kind === 'sent')).toBe(true);
    expect(s.messages.map((x) => x.to[0]).sort()).toEqual(built.map((b) => b.envelope.to).sort());
    for (const received of s.messages) {
      const parsed = await simpleParser(received.raw);
      const to = parsed.to && 'value' in parsed.to ? parsed.to.value[0]!.address : '';
      expect(to).toBe(received.to[0]);
      expect(parsed.messageId).toBe(built.find((b) => b.envelope.to === to)!.messageId);
      expect(parsed.html).toContain(`${opts.publicUrl}/unsubscribe/1.${to!.replace(/\D/g, '')}.pretrain-weekly.`);
    }
  });
});

describe('the final dot waits for beforeFinalDot', () => {
  it('the server has the whole message but cannot accept it until the hook resolves', async () => {
    const s = await sink();
    const m = mailer({ smtpUrl: s.url });
    const b = mime.build(recipient(1));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atHook = new Promise<void>((resolve) => (reached = resolve));
    const sending = m.sendRaw(b.envelope, b.raw, {
      beforeFinalDot: async () => {
        reached();
        await gate;
        return true;
      },
    });
    await atHook;
    // DATA was accepted and the bytes are on their way, but without the final dot no message exists.
    expect(s.events.filter((e) => e.kind === 'mail-from')).toHaveLength(1);
    expect(s.messages).toHaveLength(0);
    release();
    expect(await sending).toMatchObject({ kind: 'sent' });
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]!.raw.equals(b.raw)).toBe(true);
  });

  it('a hook that says no, or fails, withdraws the message: the connection closes before the dot and nothing is delivered', async () => {
    const s = await sink();
    const m = mailer({ smtpUrl: s.url });
    const [a, b, c] = [mime.build(recipient(2)), mime.build(recipient(3)), mime.build(recipient(4))];
    expect(await m.sendRaw(a.envelope, a.raw, { beforeFinalDot: async () => false })).toMatchObject({ kind: 'withdrawn' });
    expect(await m.sendRaw(b.envelope, b.raw, { beforeFinalDot: () => Promise.reject(new Error('redis down')) })).toMatchObject({
      kind: 'withdrawn',
      reason: expect.stringContaining('redis down'),
    });
    expect(s.messages).toHaveLength(0);
    // The pool goes on with a fresh connection.
    expect(await m.sendRaw(c.envelope, c.raw, { beforeFinalDot: async () => true })).toMatchObject({ kind: 'sent' });
    expect(s.messages).toHaveLength(1);
  });
});

describe('SMTP transparency on the fast path', () => {
  it('delivers lines that start with a dot byte for byte (stuffed on the wire, unstuffed by the server)', async () => {
    const s = await sink();
    const m = mailer({ smtpUrl: s.url });
    // Quoted-printable keeps the synthetic issue's `.hidden{…}` line at the start of a line.
    const qp = prepareIssueMime(published, { ...opts, encodings: { html: 'quoted-printable', text: 'quoted-printable' } });
    const built = qp.build(recipient(7));
    expect(built.raw.includes('\r\n.hidden')).toBe(true);
    expect(await m.sendRaw(built.envelope, built.raw)).toMatchObject({ kind: 'sent' });
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]!.raw.equals(built.raw)).toBe(true);
  });
});

describe('failures become outcomes, never exceptions', () => {
  it('451 from the server is transient with its code', async () => {
    const s = await sink(() => ({ code: 451, message: '4.3.0 try again later' }));
    const m = mailer({ smtpUrl: s.url });
    const b = mime.build(recipient(1));
    expect(await m.sendRaw(b.envelope, b.raw)).toMatchObject({ kind: 'transient', code: 451, reason: expect.stringContaining('try again later') });
    expect(await m.send(buildNewsletterMessage(published, recipient(2), opts))).toMatchObject({ kind: 'transient', code: 451 });
    expect(s.messages).toHaveLength(0);
  });

  it('550 from the server is permanent with its code, and the next message on the pool still goes out', async () => {
    const s = await sink((to) => (to === 'reader1@example.org' ? { code: 550, message: '5.1.1 no such user' } : null));
    const m = mailer({ smtpUrl: s.url, pool: { maxConnections: 1 } });
    const bad = mime.build(recipient(1));
    expect(await m.sendRaw(bad.envelope, bad.raw)).toEqual({ kind: 'permanent', code: 550, reason: expect.stringMatching(/^DATA: 550 .*no such user/) });
    const good = mime.build(recipient(2));
    expect(await m.sendRaw(good.envelope, good.raw)).toMatchObject({ kind: 'sent' });
    expect(s.messages.map((x) => x.to[0])).toEqual(['reader2@example.org']);
  });

  it('a refused connection (nothing listening) is transient and says the server is unreachable', async () => {
    const m = mailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}` });
    const b = mime.build(recipient(1));
    const outcome = await m.sendRaw(b.envelope, b.raw);
    expect(outcome).toMatchObject({ kind: 'transient', systemic: true, unreachable: true, reason: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) });
    expect(await m.verify()).toBe(false);
  });

  it('verify answers true for a server that greets', async () => {
    const s = await startSmtpSink();
    const m = mailer({ smtpUrl: s.url });
    expect(await m.verify()).toBe(true);
    await s.close();
  });

  it('a sink that shuts down is transient, for the pooled connection and for new ones', async () => {
    const s = await startSmtpSink();
    const m = mailer({ smtpUrl: s.url, pool: { maxConnections: 1 } });
    const first = mime.build(recipient(1));
    expect(await m.sendRaw(first.envelope, first.raw)).toMatchObject({ kind: 'sent' });
    const closed = s.close();
    const second = mime.build(recipient(2));
    expect(await m.sendRaw(second.envelope, second.raw)).toMatchObject({ kind: 'transient' });
    const third = mime.build(recipient(3));
    expect(await m.sendRaw(third.envelope, third.raw)).toMatchObject({ kind: 'transient' });
    await m.close();
    await closed;
    expect(s.messages).toHaveLength(1);
  });

  it('a server that never answers MAIL FROM times out before the data: transient', async () => {
    const server = await customServer({ onMailFrom: () => undefined });
    const m = mailer({ smtpUrl: server.url, timeouts: { socket: 400 } });
    const b = mime.build(recipient(1));
    expect(await m.sendRaw(b.envelope, b.raw)).toMatchObject({ kind: 'transient', reason: expect.stringContaining('ETIMEDOUT') });
    expect(server.seen.data).toBe(0);
  });

  it('a server that takes the data and never answers times out after the data: ambiguous, and it is not sent again', async () => {
    const server = await customServer({ onData: (stream) => void stream.resume() });
    const m = mailer({ smtpUrl: server.url, pool: { maxConnections: 2 }, timeouts: { socket: 400 } });
    const b = mime.build(recipient(1));
    const viaSend = buildNewsletterMessage(published, recipient(2), opts);
    const [raw, composed] = await Promise.all([m.sendRaw(b.envelope, b.raw), m.send(viaSend)]);
    expect(raw).toMatchObject({ kind: 'ambiguous', reason: expect.stringContaining('ETIMEDOUT after the message data was sent') });
    expect(composed).toMatchObject({ kind: 'ambiguous' });
    // Each message's callback has run, and the pool calls it once, when it is done with the
    // message: a message it had put back on its queue would not have been answered yet.
    expect(server.seen.data).toBe(2);
    expect(server.seen.mailFrom).toBe(2);
  });

  it('the pool does not re-send a message on its own when a reused connection is dropped (maxRequeues 0)', async () => {
    // 421 to the second transaction of every connection: nodemailer 10's pool would put that
    // message back on its queue and send it over a new connection by itself.
    const hooks = {
      onMailFrom: (session: SMTPServerSession, cb: (err?: Error | null) => void) =>
        cb(session.transaction > 1 ? Object.assign(new Error('closing'), { responseCode: 421 }) : null),
    };
    const ours = await customServer(hooks);
    const m = mailer({ smtpUrl: ours.url, pool: { maxConnections: 1 } });
    const [a, b] = [mime.build(recipient(1)), mime.build(recipient(2))];
    expect(await m.sendRaw(a.envelope, a.raw)).toMatchObject({ kind: 'sent' });
    expect(await m.sendRaw(b.envelope, b.raw)).toMatchObject({ kind: 'transient', reason: expect.stringContaining('ECONNECTION') });
    // The failure was the pool's final word on the message (see above): nothing more can follow.
    expect(ours.seen).toEqual({ mailFrom: 2, data: 1, accepted: 1 });

    // The same server and messages through nodemailer's default pool (maxRequeues 5): it opens
    // a new connection and starts the message again by itself. (That retry then fails in 10.6,
    // because the envelope object keeps the first attempt's MAIL FROM error.)
    const theirs = await customServer(hooks);
    const pool = nodemailer.createTransport({ pool: true, url: theirs.url, maxConnections: 1 });
    closers.push(async () => pool.close());
    await pool.sendMail({ envelope: { from: a.envelope.from, to: [a.envelope.to] }, raw: a.raw });
    await pool.sendMail({ envelope: { from: b.envelope.from, to: [b.envelope.to] }, raw: b.raw }).catch(() => undefined);
    expect(theirs.seen.mailFrom).toBe(3);
  });

  it('close() waits for messages in flight and refuses new ones without throwing', async () => {
    const s = await sink();
    const m = createSmtpMailer({ smtpUrl: s.url });
    const b = mime.build(recipient(1));
    const inFlight = m.sendRaw(b.envelope, b.raw);
    await m.close();
    expect(await inFlight).toMatchObject({ kind: 'sent' });
    expect(await m.sendRaw(b.envelope, b.raw)).toMatchObject({ kind: 'transient', reason: expect.stringContaining('closing') });
    expect(s.messages).toHaveLength(1);
  });
});
