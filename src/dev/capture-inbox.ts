// A local SMTP "capture inbox" for `newsletter dev` and `newsletter inbox`: a real smtp-server
// that accepts every message and keeps it as `<dir>/<timestamp>-<n>.eml`, so a send can be
// looked at in a browser (see capture-inbox-routes.ts) instead of leaving the machine.
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface CapturedMessageSummary {
  /** File name inside the inbox directory, e.g. `1718000000000-3.eml`. */
  file: string;
  from: string;
  to: string;
  subject: string;
  /** ISO date: the message's Date header, or when it was captured. */
  date: string;
  /** Size of the raw message in bytes. */
  size: number;
}

export interface CapturedMessage {
  summary: CapturedMessageSummary;
  raw: Buffer;
  parsed: ParsedMail;
}

export interface CaptureInbox {
  smtpUrl: string;
  port: number;
  dir: string;
  /** Every captured message, newest first. */
  list(): Promise<CapturedMessageSummary[]>;
  /** One message by its file name, or null when the name is not a captured message. */
  read(file: string): Promise<CapturedMessage | null>;
  close(): Promise<void>;
}

export interface CaptureInboxOptions {
  dir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Largest message accepted, in bytes (default 25 MB). */
  maxBytes?: number;
  /**
   * On close, how long a connection still open may finish before it is told 421 and closed
   * (default 1 s). A worker's pooled connections stay open between messages; smtp-server's own
   * default (30 s) would hold `newsletter inbox` that long after Ctrl-C.
   */
  closeTimeoutMs?: number;
}

/** `<timestamp>-<n>.eml`: the only names the inbox writes, and so the only ones it will read. */
export const CAPTURED_FILE = /^(\d{13})-(\d{1,9})\.eml$/;

export async function startCaptureInbox(opts: CaptureInboxOptions): Promise<CaptureInbox> {
  const { dir, port = 0, host = '127.0.0.1', maxBytes = 25 * 1024 * 1024, closeTimeoutMs = 1000 } = opts;
  await mkdir(dir, { recursive: true });
  let counter = 0;
  // Files never change once written, so a parsed summary can be kept for the process's life.
  const summaries = new Map<string, CapturedMessageSummary>();

  let parts = 0;
  const save = async (raw: Buffer): Promise<string> => {
    // Written whole under a name the inbox never lists, then linked to its own name: a reader
    // (the web page, a test watching the folder) never sees half a message. link() refuses to
    // overwrite, so a name left by an earlier run in the same ms takes the next n. Where the
    // file system has no hard links, the message is written under its name directly ('wx').
    const part = join(dir, `.${process.pid}-${++parts}.part`);
    await writeFile(part, raw);
    try {
      for (;;) {
        const file = `${Date.now()}-${++counter}.eml`;
        try {
          await link(part, join(dir, file)).catch((error: NodeJS.ErrnoException) => {
            if (error.code === 'EPERM' || error.code === 'ENOTSUP' || error.code === 'ENOSYS') return writeFile(join(dir, file), raw, { flag: 'wx' });
            throw error;
          });
          return file;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } finally {
      await unlink(part).catch(() => {});
    }
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: maxBytes,
    closeTimeout: closeTimeoutMs,
    onData(stream: SMTPServerDataStream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(Object.assign(new Error(`Message exceeds ${maxBytes} bytes`), { responseCode: 552 }));
        }
        save(Buffer.concat(chunks)).then(
          () => callback(),
          (error: Error) => callback(Object.assign(new Error(`Could not store message: ${error.message}`), { responseCode: 451 })),
        );
      });
    },
  });
  server.on('error', () => {}); // a client dropping its connection must not end the dev process
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.server.address() as AddressInfo).port;

  const read = async (file: string): Promise<CapturedMessage | null> => {
    if (!CAPTURED_FILE.test(file)) return null;
    let raw: Buffer;
    try {
      raw = await readFile(join(dir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = await simpleParser(raw, { skipImageLinks: true });
    const summary = summarise(file, raw.length, parsed);
    summaries.set(file, summary);
    return { summary, raw, parsed };
  };

  return {
    smtpUrl: `smtp://${host}:${bound}`,
    port: bound,
    dir,
    async list() {
      const files = (await readdir(dir)).filter((f) => CAPTURED_FILE.test(f));
      const out: CapturedMessageSummary[] = [];
      for (const file of files) {
        const known = summaries.get(file);
        if (known) {
          out.push(known);
          continue;
        }
        const message = await read(file).catch(async () => null);
        // An unparsable file is still listed, so it can be downloaded and looked at.
        out.push(
          message?.summary ?? {
            file,
            from: '',
            to: '',
            subject: '(unreadable)',
            date: new Date(fileTime(file)).toISOString(),
            size: (await stat(join(dir, file))).size,
          },
        );
      }
      return out.sort((a, b) => compareFiles(b.file, a.file));
    },
    read,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function summarise(file: string, size: number, parsed: ParsedMail): CapturedMessageSummary {
  return {
    file,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    date: (parsed.date ?? new Date(fileTime(file))).toISOString(),
    size,
  };
}

/** Decoded addresses as a person reads them: `预训练周刊 <weekly@example.com>, reader@example.com`. */
export function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  const one = (a: EmailAddress): string =>
    a.group ? `${a.name}: ${a.group.map(one).join(', ')};` : a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '');
  return (Array.isArray(value) ? value : [value]).flatMap((list) => list.value.map(one)).join(', ');
}

function fileTime(file: string): number {
  return Number(CAPTURED_FILE.exec(file)?.[1] ?? 0);
}

/** Orders by capture time, then by sequence number within the same millisecond. */
function compareFiles(a: string, b: string): number {
  const [, ta = '0', na = '0'] = CAPTURED_FILE.exec(a) ?? [];
  const [, tb = '0', nb = '0'] = CAPTURED_FILE.exec(b) ?? [];
  return Number(ta) - Number(tb) || Number(na) - Number(nb);
}
