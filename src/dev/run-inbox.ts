// `newsletter inbox`: the capture inbox of `newsletter dev` on its own, for a local run of the
// real processes (`cp .env.example .env`, then `inbox`, `serve` and `worker`): SMTP where
// .env.example's SMTP_URL points (127.0.0.1:2525), every message kept as a .eml file, and the
// web inbox on its own HTTP port (3025), until Ctrl-C or SIGTERM. No Redis, no secrets.
import { relative } from 'node:path';
import { isLoopbackHost, readEnvironment } from '../config/index.ts';
import { UserError } from '../errors.ts';
import { captureInboxRoutes } from './capture-inbox-routes.ts';
import { startCaptureInbox, type CaptureInbox } from './capture-inbox.ts';

export const INBOX_DEFAULTS = { smtpPort: 2525, httpPort: 3025, host: '127.0.0.1', dir: '.data/inbox' } as const;

export interface InboxOptions {
  smtpPort: number;
  httpPort: number;
  dir: string;
  host?: string;
  /** Where the environment (and .env) is read, for the hint about SMTP_URL; default readEnvironment(). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningInboxWeb {
  url: string;
  close(): Promise<void>;
}

/** The inbox's pages on their own small HTTP server: `/inbox` (and `/`, which leads there). */
export async function startInboxWeb(inbox: CaptureInbox, opts: { port: number; host: string }): Promise<RunningInboxWeb> {
  // Loaded on use, as every command does with Fastify (it would slow the others' start).
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  await app.register(captureInboxRoutes(inbox));
  app.get('/', async (_request, reply) => reply.redirect('/inbox'));
  try {
    await app.listen({ port: opts.port, host: opts.host });
  } catch (error) {
    await app.close();
    throw (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? new UserError(`--port: ${opts.host}:${opts.port} is already in use; choose another HTTP port with --port`)
      : error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return { url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`, close: () => app.close() };
}

/** A note when SMTP_URL (environment over .env) sends the workers' mail somewhere else. */
function smtpUrlNote(env: NodeJS.ProcessEnv, smtpUrl: string, smtpPort: number): string | null {
  const configured = env.SMTP_URL || 'smtp://127.0.0.1:2525'; // config's default
  try {
    const url = new URL(configured);
    if (url.protocol === 'smtp:' && isLoopbackHost(url.hostname) && Number(url.port || 25) === smtpPort) return null;
    return `note     SMTP_URL is ${url.protocol}//${url.host} (.env or the environment): workers send there, not here; set SMTP_URL=${smtpUrl} to capture their mail`;
  } catch {
    return null; // loadConfig names an invalid SMTP_URL in the commands that use it
  }
}

/** Runs until SIGINT/SIGTERM, then closes both servers and returns. */
export async function runInbox(opts: InboxOptions): Promise<void> {
  const host = opts.host ?? INBOX_DEFAULTS.host;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let env: NodeJS.ProcessEnv;
  try {
    env = opts.env ?? readEnvironment();
  } catch {
    env = {}; // an unreadable .env is the other commands' to report
  }

  let inbox: CaptureInbox;
  try {
    inbox = await startCaptureInbox({ dir: opts.dir, port: opts.smtpPort, host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new UserError(
      `--smtp-port: ${host}:${opts.smtpPort} is already in use (another \`newsletter inbox\` or \`dev\`?); choose another with --smtp-port and set SMTP_URL to match`,
    );
  }
  let web: RunningInboxWeb;
  try {
    web = await startInboxWeb(inbox, { port: opts.httpPort, host });
  } catch (error) {
    await inbox.close();
    throw error;
  }

  // Listen for the signals before saying "ready": whoever reads that line may signal at once, and
  // a SIGTERM that comes before a listener kills the process with the default action.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const where = relative(process.cwd(), inbox.dir);
  say(`inbox    SMTP ${inbox.smtpUrl} → ${where && !where.startsWith('..') ? where : inbox.dir}/ (one .eml file per message)`);
  say(`web      ${web.url}/inbox`);
  const note = smtpUrlNote(env, inbox.smtpUrl, inbox.port);
  if (note) say(note);
  say('ready    capturing until you press Ctrl-C');
  await stopped;
  say('stopping …');
  await Promise.all([web.close(), inbox.close()]);
}
