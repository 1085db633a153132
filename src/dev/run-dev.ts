// `newsletter dev`: the whole pipeline in one process, on an embedded default, for trying it:
// a Redis (the one at REDIS_URL, or a private one), a local SMTP capture inbox (every message
// saved as .eml and listed at /inbox), the HTTP server, a deliver worker and sample readers.
// With --demo it sends the sample issue to them, waits until the send is done, and keeps
// serving (inbox, archive, landing page) until Ctrl-C; with --exit it stops once the send is done.
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createLogger } from '../logging/logger.ts';
import { withCampaignClient } from '../campaign/campaign-client.ts';
import { toPublishedIssue } from '../campaign/records/publish.ts';
import { watchCampaign } from '../campaign/status.ts';
import { renderIssueFile } from '../use-cases/render-issue-file.ts';
import { sendIssue } from '../use-cases/send-issue.ts';
import { loadConfig, readEnvironment, type Config } from '../config/index.ts';
import { loadNewsletters } from '../content/index.ts';
import { startServer } from '../server/server.ts';
import { openCommandRedis } from '../redis/command-redis.ts';
import { createRedis } from '../redis/connection.ts';
import { deleteDeploymentKeys } from '../redis/delete-by-prefix.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { runWorker } from '../worker/run-worker.ts';
import { captureInboxRoutes } from './capture-inbox-routes.ts';
import { startCaptureInbox } from './capture-inbox.ts';
import { freePort, preferredOrFreePort } from './free-port.ts';
import { ensureRedis } from './private-redis.ts';
import { seedSampleSubscribers } from './sample-subscribers.ts';

/** dev never touches a real deployment's keys: its own prefix, whatever KEY_PREFIX says. */
export const DEV_KEY_PREFIX = '{nl-dev}';

// Fixed, public, dev-only secrets: nothing signed with them is worth anything outside dev.
const DEV_DEFAULTS = {
  SECRET: 'dev-only-secret-not-for-production-0123456789',
  ADMIN_TOKEN: 'dev-only-admin-token-0123456789',
  MAIL_FROM: 'Newsletter dev <newsletter@example.com>',
  // The model issue's newsletter leads the pages, as the demo sends it.
  DEFAULT_NEWSLETTER: 'pretrain-weekly',
};

export interface DevOptions {
  port?: number;
  /** Send this issue file to the sample readers, then keep serving (unless `exitWhenDone`). */
  demo?: string;
  exitWhenDone?: boolean;
  subscribers: number;
  inboxDir: string;
  env?: NodeJS.ProcessEnv;
}

async function clearDevKeys(config: Readonly<Config>): Promise<void> {
  // Before anything of this run exists: one bare client, not a command's (which would read the partitions first).
  const redis = createRedis(config, { name: 'newsletter-dev-clear' });
  try {
    await deleteDeploymentKeys(redis, DEV_KEY_PREFIX);
  } finally {
    redis.disconnect();
  }
}

export async function runDev(opts: DevOptions): Promise<void> {
  const env = opts.env ?? readEnvironment();
  const base = loadConfig({ ...DEV_DEFAULTS, ...env, KEY_PREFIX: DEV_KEY_PREFIX }, ['SECRET', 'ADMIN_TOKEN']);
  const scripted = opts.demo !== undefined && Boolean(opts.exitWhenDone);
  // The demo prints its own summary (and the durability warnings are about production Redis).
  const log = createLogger({ level: opts.demo !== undefined ? 'error' : base.logLevel });
  const say = (line: string) => process.stdout.write(`${line}\n`);

  const redis = await ensureRedis(base.redisUrl);
  if (redis.private) say(`redis    no Redis at ${base.redisUrl}; started a private one at ${redis.url} (memory only, stops with dev)`);
  // A demo must start from nothing; plain `dev` keeps what an earlier run left in the inbox.
  if (opts.demo !== undefined) await rm(opts.inboxDir, { recursive: true, force: true });
  const inbox = await startCaptureInbox({ dir: opts.inboxDir });
  const port = opts.port ?? (scripted ? await freePort() : await preferredOrFreePort(base.port));
  const config: Readonly<Config> = Object.freeze({
    ...base,
    redisUrl: redis.url,
    smtpUrl: inbox.smtpUrl,
    publicUrl: `http://127.0.0.1:${port}`,
    assetsUrl: `http://127.0.0.1:${port}/assets`,
    port,
    host: '127.0.0.1',
  });
  if (opts.demo !== undefined) await clearDevKeys(config);

  const server = await startServer(config, { port, handleSignals: false, logger: log, plugins: [captureInboxRoutes(inbox)] });
  const worker = await runWorker(config, { log });
  // The sample readers go in as a command would add them (the one way commands open Redis).
  const storeConn = await openCommandRedis(config, { name: 'newsletter-dev' });
  const stopAll = async () => {
    await storeConn.close();
    await server.close();
    await worker.close();
    await inbox.close();
    await redis.close();
  };

  try {
    const newsletters = await loadNewsletters(config.emailsDir);
    const store = new RedisSubscriberStore(storeConn.redis, storeConn.partitions);
    const added = await seedSampleSubscribers(store, newsletters, opts.subscribers);
    say(`readers  ${added} sample subscribers added (${opts.subscribers} per list: ${newsletters.map((n) => n.listId).join(', ')})`);
    say(`inbox    SMTP ${inbox.smtpUrl} → ${relative(process.cwd(), inbox.dir) || inbox.dir}/ · ${server.url}/inbox`);
    say(`web      ${server.url}/subscribe · ${server.url}/issues · admin token: ${config.adminToken}`);

    if (opts.demo !== undefined) {
      const { issue, newsletter, rendered } = await renderIssueFile(opts.demo, { assetsUrl: config.assetsUrl });
      const published = toPublishedIssue(rendered, issue, newsletter);
      // The demo starts from empty keys: this is a first send (force: a sample edited since).
      // One client starts the send and follows it to the end.
      const final = await withCampaignClient(config, async (c) => {
        await sendIssue({ ...c, publicUrl: config.publicUrl }, { published, force: true });
        say(`send     ${issue.id}: "${published.subject}" → list ${newsletter.listId}`);
        return watchCampaign(c, issue.id, 250, (s) => process.stdout.isTTY && process.stdout.write(`\r         ${s.sent}/${s.total} sent`));
      });
      if (process.stdout.isTTY) process.stdout.write('\n');
      const captured = await inbox.list();
      say(
        `done     ${final.sent} sent, ${final.failed} failed, ${final.bounced} bounced, ${final.skipped} skipped, ${final.unknown} unknown (total ${final.total})`,
      );
      const inboxPath = relative(process.cwd(), inbox.dir) || inbox.dir;
      say(`look at  ${inboxPath}/: ${captured.length} .eml files, e.g. ${join(inboxPath, captured[0]?.file ?? '')} (open one in a mail client)`);
      say(`         the web version: ${server.url}/issues/${issue.id}`);
      if (opts.exitWhenDone) {
        say('         run `npx newsletter dev --demo` (without --exit) to browse the inbox, archive and subscribe pages in a browser');
        await stopAll();
        return;
      }
      say(`browse   ${server.url}/ (newsletters) · ${server.url}/inbox (what was sent) · ${server.url}/issues/${issue.id}`);
    } else {
      say(
        `send     in another terminal: REDIS_URL=${config.redisUrl} KEY_PREFIX='${DEV_KEY_PREFIX}' SECRET=${config.secrets[0]?.key} npx newsletter send emails/issues/pretrain-weekly-064.yaml --yes`,
      );
    }
    // Listening before "ready": whoever reads that line may signal at once.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say('ready    serving until you press Ctrl-C');
    await stopped;
    say('stopping …');
    await stopAll();
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}
