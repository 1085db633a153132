// `newsletter inbox`: the capture inbox as its own process. It prints its SMTP and web addresses
// and where the .eml files go, keeps a mail sent to its SMTP port and lists it over HTTP
// (decoded), ends on SIGTERM even while a worker's pooled connection is still open, says so when
// SMTP_URL sends the workers' mail elsewhere, and names a taken port in one line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bareEnv } from '../helpers/cli.ts';
import { freePort } from '../../src/dev/free-port.ts';

interface Started {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waitFor(pattern: RegExp): Promise<string>;
}

function startInbox(args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, [BIN, 'inbox', ...args], { cwd, env });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const take = (line: string) => {
    lines.push(line);
    for (const w of [...waiters])
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  };
  createInterface({ input: child.stdout }).on('line', take);
  createInterface({ input: child.stderr }).on('line', (line) => take(`stderr: ${line}`));
  return {
    child,
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        waiters.push({ pattern, resolve: resolveLine });
        child.once('exit', (code) => reject(new Error(`inbox exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      });
    },
  };
}

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'inbox-command-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('newsletter inbox', () => {
  it('prints both addresses and the .eml folder, captures a mail over SMTP, lists it over HTTP, and ends on SIGTERM', async () => {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    const inbox = startInbox(
      ['--smtp-port', String(smtpPort), '--port', String(httpPort), '--dir', 'mail'],
      cwd,
      bareEnv({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }),
    );
    const transport = nodemailer.createTransport({ url: `smtp://127.0.0.1:${smtpPort}`, pool: true });
    try {
      await inbox.waitFor(/^ready {4}capturing until you press Ctrl-C$/);
      expect(inbox.lines).toEqual([
        `inbox    SMTP smtp://127.0.0.1:${smtpPort} → mail/ (one .eml file per message)`,
        `web      http://127.0.0.1:${httpPort}/inbox`,
        'ready    capturing until you press Ctrl-C',
      ]);

      // As a worker sends: a pooled connection that stays open after the message.
      await transport.sendMail({ from: '"预训练周刊" <weekly@example.com>', to: 'reader@example.com', subject: '请确认订阅《预训练周刊》', text: 'hello' });
      const files = await readdir(join(cwd, 'mail'));
      expect(files).toEqual([expect.stringMatching(/^\d{13}-\d+\.eml$/)]);

      const base = `http://127.0.0.1:${httpPort}`;
      const page = await fetch(`${base}/inbox`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`<a href="/inbox/${files[0]!.replace(/\.eml$/, '')}">请确认订阅《预训练周刊》</a>`);
      expect(html).toContain('预训练周刊 &lt;weekly@example.com&gt;');
      expect(html).toContain('<code>mail/</code>');
      const root = await fetch(`${base}/`, { redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/inbox');
      const raw = await fetch(`${base}/inbox/${files[0]}`);
      expect(raw.headers.get('content-type')).toContain('message/rfc822');
    } finally {
      inbox.child.kill('SIGTERM');
    }
    const [code] = await once(inbox.child, 'close');
    transport.close();
    expect(code).toBe(0);
    expect(inbox.lines.at(-1)).toBe('stopping …');
  });

  it('says where the workers send instead when SMTP_URL does not point at it', async () => {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    const inbox = startInbox(
      ['--smtp-port', String(smtpPort), '--port', String(httpPort)],
      cwd,
      bareEnv({ SMTP_URL: 'smtps://user:pass@smtp.example.com:465' }),
    );
    try {
      await inbox.waitFor(/^ready /);
      expect(inbox.lines).toContain(
        `note     SMTP_URL is smtps://smtp.example.com:465 (.env or the environment): workers send there, not here; set SMTP_URL=smtp://127.0.0.1:${smtpPort} to capture their mail`,
      );
      expect(inbox.lines.join('\n')).not.toContain('pass');
      expect(inbox.lines[0]).toBe(`inbox    SMTP smtp://127.0.0.1:${smtpPort} → .data/inbox/ (one .eml file per message)`);
    } finally {
      inbox.child.kill('SIGTERM');
    }
    const [code] = await once(inbox.child, 'close');
    expect(code).toBe(0);
  });

  it('names a taken SMTP port in one line and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const port = (taken.address() as { port: number }).port;
    try {
      const inbox = startInbox(['--smtp-port', String(port), '--port', String(await freePort())], cwd, bareEnv());
      const [code] = await once(inbox.child, 'close');
      expect(code).toBe(1);
      expect(inbox.lines).toEqual([
        `stderr: newsletter: --smtp-port: 127.0.0.1:${port} is already in use (another \`newsletter inbox\` or \`dev\`?); choose another with --smtp-port and set SMTP_URL to match`,
      ]);
    } finally {
      taken.close();
    }
  });

  it('refuses a port that is not a number', async () => {
    const inbox = startInbox(['--smtp-port', 'twenty'], cwd, bareEnv());
    const [code] = await once(inbox.child, 'close');
    expect(code).toBe(1);
    expect(inbox.lines.join('\n')).toContain('--smtp-port must be a port number 0-65535, got "twenty"');
  });
});
