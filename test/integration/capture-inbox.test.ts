// The dev capture inbox: a real SMTP server that keeps .eml files, and its pages via inject.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureInbox, type CaptureInbox } from '../../src/dev/capture-inbox.ts';
import { captureInboxRoutes } from '../../src/dev/capture-inbox-routes.ts';

let dir: string;
let inbox: CaptureInbox;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-inbox-'));
  inbox = await startCaptureInbox({ dir });
  app = Fastify();
  await app.register(captureInboxRoutes(inbox));
  await app.ready();

  const transport = nodemailer.createTransport({ url: inbox.smtpUrl });
  await transport.sendMail({
    from: '"预训练周刊" <weekly@example.com>',
    to: 'first@example.com',
    subject: 'First <b>issue</b>',
    text: 'Hello text',
    html: '<p>Hello <strong>HTML</strong></p><script>alert(1)</script>',
  });
  await transport.sendMail({
    from: 'weekly@example.com',
    to: 'second@example.com',
    subject: '第二期',
    text: 'Only text',
  });
  transport.close();
});

afterAll(async () => {
  await app?.close();
  await inbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('capture inbox', () => {
  it('saves each message as <timestamp>-<n>.eml and lists them newest first', async () => {
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^\d{13}-\d+\.eml$/);

    const list = await inbox.list();
    expect(list.map((m) => m.subject)).toEqual(['第二期', 'First <b>issue</b>']);
    expect(list[1]).toMatchObject({ to: 'first@example.com' });
    expect(list[1]!.from).toContain('weekly@example.com');
    expect(list[1]!.size).toBeGreaterThan(100);
    expect(Number.isNaN(Date.parse(list[0]!.date))).toBe(false);
  });

  it('serves an escaped HTML list', async () => {
    const res = await app.inject('/inbox');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('First &lt;b&gt;issue&lt;/b&gt;');
    expect(res.body).not.toContain('<b>issue</b>');
    expect(res.body.indexOf('第二期')).toBeLessThan(res.body.indexOf('First &lt;b&gt;'));
  });

  it('shows one message with its HTML in a sandboxed iframe, and downloads the .eml', async () => {
    const [, first] = await inbox.list();
    const id = first!.file.replace(/\.eml$/, '');

    const view = await app.inject(`/inbox/${id}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toMatch(/<iframe sandbox [^>]*srcdoc="[^"]*&lt;strong&gt;HTML&lt;\/strong&gt;/);
    expect(view.body).not.toContain('<script>alert(1)</script>');
    expect(view.body).toContain('Hello text');
    expect(view.headers['content-security-policy']).toContain("default-src 'none'");

    const raw = await app.inject(`/inbox/${first!.file}`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toContain('message/rfc822');
    expect(raw.headers['content-disposition']).toContain(first!.file);
    expect(raw.body).toContain('To: first@example.com');
  });

  it('shows headers decoded (RFC 2047 encoded-words), as the list does', async () => {
    const [second, first] = await inbox.list();
    expect(first!.from).toBe('预训练周刊 <weekly@example.com>');
    const raw = (await inbox.read(second!.file))!.raw.toString();
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m); // as nodemailer sent it
    const view = await app.inject(`/inbox/${second!.file.replace(/\.eml$/, '')}`);
    expect(view.body).not.toContain('=?UTF-8?');
    expect(view.body).toContain('<tr><th scope="row">Subject</th><td>第二期</td></tr>');
    const firstView = await app.inject(`/inbox/${first!.file.replace(/\.eml$/, '')}`);
    expect(firstView.body).toContain('<tr><th scope="row">From</th><td>预训练周刊 &lt;weekly@example.com&gt;</td></tr>');
  });

  it('rejects path traversal and unknown names', async () => {
    for (const url of ['/inbox/..%2F..%2Fetc%2Fpasswd', '/inbox/..%2Fcapture.eml', '/inbox/%2Fetc%2Fpasswd', '/inbox/1234.eml']) {
      const res = await app.inject(url);
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.body).not.toContain('root:');
    }
    expect((await app.inject('/inbox/..%2F..%2Fetc%2Fpasswd')).statusCode).toBe(400);
    expect((await app.inject('/inbox/1700000000000-999')).statusCode).toBe(404);
    expect((await app.inject('/inbox/1700000000000-999.eml')).statusCode).toBe(404);
  });
});
