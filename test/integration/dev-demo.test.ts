// The README's first command, as a new user runs it: `newsletter dev --demo` sends the Chinese
// sample issue into a local capture inbox, keeps serving until Ctrl-C, and every page and
// picture it points at answers. `--exit` is the scripted form that stops when the send is done.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';

const BIN = 'bin/newsletter.js';

function startDev(args: string[]): { child: ChildProcessWithoutNullStreams; lines: string[]; waitFor(pattern: RegExp): Promise<string> } {
  const child = spawn(process.execPath, [BIN, 'dev', '--demo', ...args], { env: { ...process.env, LOG_LEVEL: 'error' } });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of [...waiters])
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  });
  child.stderr.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString()}`));
  return {
    child,
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        child.once('exit', (code) => reject(new Error(`dev exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      });
    },
  };
}

let inbox: string;
beforeAll(async () => {
  inbox = await mkdtemp(join(tmpdir(), 'dev-demo-inbox-'));
});
afterAll(() => rm(inbox, { recursive: true, force: true }));

describe('newsletter dev --demo', () => {
  it('sends the Chinese weekly to the sample readers and serves the landing page, archive, inbox and pictures until Ctrl-C', async () => {
    const port = await freePort();
    const dev = startDev(['--subscribers', '3', '--inbox', inbox, '--port', String(port)]);
    try {
      await dev.waitFor(/^ready {4}serving until you press Ctrl-C$/);
      const out = dev.lines.join('\n');
      expect(out).toContain('send     pretrain-weekly-064: "《预训练周刊》第64期');
      expect(out).toMatch(/done {5}3 sent, 0 failed, 0 bounced, 0 skipped, 0 unknown \(total 3\)/);
      const base = `http://127.0.0.1:${port}`;
      expect(out).toContain(`${base}/issues/pretrain-weekly-064`);

      const landing = await fetch(`${base}/`);
      expect(landing.status).toBe(200);
      const landingHtml = await landing.text();
      expect(landingHtml).toContain('<html lang="zh-CN">');
      expect(landingHtml.indexOf('《预训练周刊》')).toBeLessThan(landingHtml.indexOf('Field Notes'));
      expect((await fetch(`${base}/inbox`)).status).toBe(200);
      expect((await fetch(`${base}/issues/pretrain-weekly-064`)).status).toBe(200);

      // Every picture in a captured message is served by the demo itself.
      const files = (await readdir(inbox)).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(3);
      const html = String((await simpleParser(await readFile(join(inbox, files[0]!)))).html);
      const srcs = [...html.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
      expect(srcs.length).toBeGreaterThanOrEqual(15);
      for (const src of new Set(srcs)) {
        expect(src.startsWith(`${base}/assets/`), src).toBe(true);
        const image = await fetch(src);
        expect(image.status, src).toBe(200);
        expect(image.headers.get('content-type')).toMatch(/^image\//);
      }
    } finally {
      dev.child.kill('SIGINT');
    }
    const [code] = await once(dev.child, 'exit');
    expect(code).toBe(0);
  });

  it('--exit stops by itself once the send is done', async () => {
    const dev = startDev(['--exit', '--subscribers', '2', '--inbox', inbox]);
    const [code] = await once(dev.child, 'exit');
    expect(dev.lines.join('\n')).toMatch(/done {5}2 sent, 0 failed/);
    expect(code).toBe(0);
  });
});
