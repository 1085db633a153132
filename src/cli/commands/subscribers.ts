// `newsletter subscribers add|remove|list|import|export`: the operator's view of the store.
// Composition root: reads the config, opens Redis through withStore (with its queue connection
// when a confirmation mail is queued), which closes it at the end.
// Redis, csv-parse and csv-stringify are loaded on use, so that other commands start fast.
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, readEnvironment, type Config } from '../../config/index.ts';
import { UserError } from '../../errors.ts';
import { count } from '../plural.ts';
import { recordCliAudit } from '../cli-audit.ts';
import { withStore, type StoreContext } from '../with-store.ts';
import { requireEmail } from '../../subscribers/email-address.ts';
import { DEFAULT_LIST_ID, requireListId } from '../../subscribers/fields.ts';
import { SUPPRESSED, updateExisting } from '../../subscribers/import-apply.ts';
import { isStatus } from '../../subscribers/subscriber-codec.ts';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberStatus } from '../../subscribers/types.ts';
import type { ConfirmationRequestDeps } from '../../subscribers/confirmation-mail.ts';

/** The consent sentences of the newsletters in emails/, for the export's consent_text column. */
async function consentTextOf(emailsDir: string): Promise<((version: string) => string | undefined) | undefined> {
  const { consentTextResolver } = await import('../../http/views/messages.ts');
  const { loadNewsletters } = await import('../../content/index.ts');
  const newsletters = await loadNewsletters(emailsDir).catch(() => []);
  return consentTextResolver(newsletters.map((n) => n.name));
}

/**
 * `--list` must name the list of one of the newsletters in EMAILS_DIR, as the admin API
 * insists: a typo would otherwise file people under a list nothing ever sends to.
 */
async function requireKnownList(config: Readonly<Config>, raw: string): Promise<string> {
  const listId = requireListId(raw);
  const { loadNewsletters } = await import('../../content/index.ts');
  const known = [...new Set((await loadNewsletters(config.emailsDir)).map((n) => n.listId))];
  if (!known.includes(listId)) {
    const hint = known.length > 0 ? `known lists: ${known.join(', ')}` : `no newsletter settings in ${config.emailsDir}/newsletters (is EMAILS_DIR right?)`;
    throw new UserError(`--list ${listId}: no newsletter sends to this list (${hint})`);
  }
  return listId;
}

/** As the subscribe form (src/server/app.ts): at most one confirmation mail per minute per list. */
const CONFIRM_RESEND_SECONDS = 60;

/**
 * The confirmation-mail side of the store for the length of `fn`: the same throttle, token and
 * transactional job as the subscribe form (a running `newsletter worker` sends the mail).
 */
async function withConfirmations<T>(ctx: StoreContext, fn: (deps: ConfirmationRequestDeps) => Promise<T>): Promise<T> {
  const { Queue } = await import('bullmq');
  const { QUEUES } = await import('../../redis/keys.ts');
  const transactionalQueue = new Queue(QUEUES.transactional, { connection: ctx.queueConnection(), prefix: ctx.config.keyPrefix });
  try {
    return await fn({
      redis: ctx.redis,
      keys: ctx.keys,
      secrets: ctx.config.secrets,
      transactionalQueue,
      confirmTtlHours: ctx.config.confirmTtlHours,
      resendAfterSeconds: CONFIRM_RESEND_SECONDS,
    });
  } finally {
    await transactionalQueue.close();
  }
}

/** Double opt-in for a subscriber the CLI left pending; false when one was queued too recently. */
async function queueConfirmation(ctx: StoreContext, subscriberId: string, listId: string): Promise<boolean> {
  const { requestConfirmationMail } = await import('../../subscribers/confirmation-mail.ts');
  return withConfirmations(ctx, (deps) => requestConfirmationMail(deps, { subscriberId, listId }));
}

function formatCounts(counts: Record<SubscriberStatus, number>): string {
  return SUBSCRIBER_STATUSES.map((s) => `${s} ${counts[s]}`).join(', ');
}

export function register(program: Command): void {
  const cmd = program.command('subscribers').description('add, remove, forget, list, import and export subscribers');

  cmd
    .command('add')
    .description('add one subscriber: pending, with a confirmation mail queued for `newsletter worker` to send, unless --confirmed')
    .argument('<email>', 'address, e.g. reader@example.com')
    .option('--name <name>', 'display name')
    .option('--list <id>', 'list to add to', DEFAULT_LIST_ID)
    .option('--confirmed', 'the person already consented: add as active (no confirmation mail)')
    .action(async (raw: string, opts: { name?: string; list: string; confirmed?: boolean }) => {
      const email = requireEmail(raw);
      // A confirmation link is derived from SECRET (tokens.ts): without it, refuse before adding anyone.
      const config = loadConfig(readEnvironment(), opts.confirmed ? [] : ['SECRET']);
      const listId = await requireKnownList(config, opts.list);
      const status: SubscriberStatus = opts.confirmed ? 'active' : 'pending';
      const record = {
        email,
        name: opts.name,
        lists: [listId],
        status,
        consent: opts.confirmed ? { at: new Date().toISOString(), source: 'api' as const, textVersion: 'cli' } : undefined,
      };
      await withStore(async (store, ctx) => {
        const { subscriber, created } = await store.create(record);
        let line: string;
        let pending = status === 'pending';
        if (created) {
          line = `added ${email} (id ${subscriber.id}) to ${listId} as ${status}`;
        } else {
          if (SUPPRESSED.has(subscriber.status)) {
            throw new UserError(`${email} is ${subscriber.status}; not re-added (they can subscribe again on the form, which asks them to confirm)`);
          }
          const changed = await updateExisting(store, subscriber, record);
          const now = (await store.get(subscriber.id)) ?? subscriber;
          line = `${email} (id ${now.id}) ${changed ? 'updated' : 'already there'}: ${now.status} in ${now.lists.join(' ') || 'no list'}`;
          pending = now.status === 'pending';
        }
        if (!pending) {
          process.stdout.write(`${line}\n`);
          return;
        }
        // Pending: without a confirmation mail this person could never become active.
        const queued = await queueConfirmation(ctx, subscriber.id, listId);
        const mail = queued
          ? 'confirmation mail queued (a running `newsletter worker` sends it)'
          : `a confirmation mail was queued less than ${CONFIRM_RESEND_SECONDS} s ago, not queued again`;
        process.stdout.write(`${line}; ${mail}\n`);
      }, config);
    });

  cmd
    .command('remove')
    .description('delete a subscriber and every record of them (use the unsubscribe link to merely unsubscribe)')
    .argument('<email>', 'address')
    .action(async (raw: string) => {
      const email = requireEmail(raw);
      const { removeSubscriber } = await import('../../use-cases/leave-list.ts');
      await withStore(async (store, { redis, shards, keys, config }) => {
        const subscriber = await store.findByEmail(email);
        // Running sends let them go too: nothing starts to them after this command returns.
        if (!subscriber || !(await removeSubscriber({ redis, shards, store }, subscriber.id))) throw new UserError(`no subscriber with the address ${email}`);
        await recordCliAudit(redis, keys, config, 'subscriber-delete', subscriber.id);
        process.stdout.write(`removed ${email} (id ${subscriber.id})\n`);
      });
    });

  cmd
    .command('forget')
    .description('erase a person on request: their record goes, and only a hash of the address stays so nothing adds it back by accident')
    .argument('<email>', 'address')
    .action(async (raw: string) => {
      const email = requireEmail(raw);
      const { forgetSubscriber } = await import('../../use-cases/forget-subscriber.ts');
      await withStore(async (store, { redis, shards, keys, config }) => {
        const { erasedId, newlySuppressed } = await forgetSubscriber({ redis, shards, store }, email);
        await recordCliAudit(redis, keys, config, 'subscriber-delete', erasedId ?? '', 'forget=true');
        const what = erasedId ? `erased the record of ${email} (id ${erasedId})` : `no record of ${email}`;
        const entry = newlySuppressed
          ? 'kept a hashed suppression entry: imports, the API and the form will not add it again'
          : 'its hashed suppression entry was already there';
        process.stdout.write(`${what}; ${entry}\n`);
      });
    });

  cmd
    .command('unforget')
    .description('lift the suppression entry `forget` kept, when the person asks to be allowed back')
    .argument('<email>', 'address')
    .action(async (raw: string) => {
      const email = requireEmail(raw);
      const { unforgetAddress } = await import('../../use-cases/forget-subscriber.ts');
      await withStore(async (store) => {
        if (!(await unforgetAddress({ store }, email)))
          throw new UserError(`${email} has no suppression entry (it was never forgotten, or it was lifted already)`);
        process.stdout.write(`lifted the suppression entry of ${email}: it can subscribe (and be added) again\n`);
      });
    });

  cmd
    .command('reindex')
    .description(
      'rebuild the list-membership, address and search indexes from the subscriber records and merge records that share a mailbox (a repair; also the upgrade from earlier versions); run it with no send or import going on',
    )
    .action(async () => {
      await withStore(async (store) => {
        const { records, merged } = await store.rebuildIndexes();
        for (const m of merged) {
          const removed = m.removed.map((r) => `${r.email} (id ${r.id})`).join(', ');
          process.stdout.write(`merged ${removed} into ${m.email} (id ${m.kept}): ${m.status}, lists ${m.lists.join(' ') || '(none)'}\n`);
        }
        process.stdout.write(
          `reindexed ${count(records, 'subscriber')}; merged ${count(merged.length, 'mailbox', 'mailboxes')} that had more than one record\n`,
        );
      });
    });

  cmd
    .command('list')
    .description('print subscribers in id order (tab-separated: id, email, status, lists, name), then counts on stderr')
    .option('--list <id>', 'only members of this list (default: every subscriber)')
    .option('--status <status>', `only this status: ${SUBSCRIBER_STATUSES.join(', ')}`)
    .option('--json', 'print a JSON array of subscribers instead')
    .action(async (opts: { list?: string; status?: string; json?: boolean }) => {
      const listId = opts.list === undefined ? null : requireListId(opts.list);
      if (opts.status !== undefined && !isStatus(opts.status)) {
        throw new UserError(`--status: unknown status "${opts.status}" (expected ${SUBSCRIBER_STATUSES.join(', ')})`);
      }
      await withStore(async (store) => {
        let shown = 0;
        const write = (s: Subscriber) => {
          if (opts.json) process.stdout.write(`${shown === 0 ? '[\n' : ',\n'}${JSON.stringify(s)}`);
          else process.stdout.write(`${s.id}\t${s.email}\t${s.status}\t${s.lists.join(' ')}\t${s.name ?? ''}\n`);
          shown++;
        };
        let cursor: string | null = null;
        do {
          const page: { subscribers: Subscriber[]; next: string | null } = await store.pageAll(listId, cursor, 1000);
          for (const s of page.subscribers) if (!opts.status || s.status === opts.status) write(s);
          cursor = page.next;
        } while (cursor !== null);
        if (opts.json) process.stdout.write(shown === 0 ? '[]\n' : '\n]\n');
        const counts = await store.countByStatus(listId);
        process.stderr.write(`${count(shown, 'subscriber')} shown; ${listId ?? 'all lists'}: ${formatCounts(counts)}\n`);
      });
    });

  cmd
    .command('import')
    .description('import a CSV with a header row: email, and optionally name, locale (and the other export columns)')
    .argument('<file>', 'CSV file, e.g. subscribers.csv')
    .option('--list <id>', `list for every row (default: the file's lists column, else ${DEFAULT_LIST_ID})`)
    .option('--confirmed', 'the addresses already consented: import as active (otherwise pending, and each gets a confirmation mail through the queue)')
    .action(async (file: string, opts: { list?: string; confirmed?: boolean }) => {
      const config = loadConfig(readEnvironment(), opts.confirmed ? [] : ['SECRET']);
      if (opts.list !== undefined) await requireKnownList(config, opts.list);
      const { runImport } = await import('../../use-cases/import-subscribers.ts');
      await withStore(async (store, ctx) => {
        // On a terminal, a line that counts the rows while a big file goes in (about once a second).
        let shownAt = Date.now();
        const onProgress = process.stderr.isTTY
          ? (p: { rows: number }) => {
              if (Date.now() - shownAt < 1000) return;
              shownAt = Date.now();
              process.stderr.write(`\r${file}: ${p.rows.toLocaleString('en-US')} rows…`);
            }
          : undefined;
        // The console's import runs the same use case: rows in, then the confirmations, spaced.
        const result = await withConfirmations(ctx, (deps) =>
          runImport({ ...deps, store, rateLimitPerSecond: config.rateLimitPerSecond }, file, {
            listId: opts.list,
            confirmed: Boolean(opts.confirmed),
            source: 'import',
            label: file,
            onProgress,
          }),
        );
        if (onProgress) process.stderr.write('\r\x1b[K');
        await recordCliAudit(
          ctx.redis,
          ctx.keys,
          config,
          'import',
          opts.list ?? 'file',
          `imported=${result.imported} updated=${result.updated} skipped=${result.skipped}`,
        );
        for (const e of result.errors) process.stderr.write(`${file}:${e.line} ${e.message}\n`);
        if (result.errorCount > result.errors.length)
          process.stderr.write(`${file}: … and ${result.errorCount - result.errors.length} more bad rows (the first ${result.errors.length} are listed)\n`);
        const as = opts.confirmed ? 'active unless the file says otherwise' : 'pending unless the file says otherwise';
        process.stdout.write(
          `${file}: ${result.imported} imported (${as}), ${result.updated} updated, ${result.skipped} skipped (already present, repeated, unsubscribed/bounced, or erased on request), ${count(result.errorCount, 'bad row')}\n`,
        );
        if (result.pending.length) {
          const queued = result.confirmationsQueued;
          const pace = config.rateLimitPerSecond > 0 ? ` at ${config.rateLimitPerSecond}/s (RATE_LIMIT_PER_SECOND)` : '';
          process.stdout.write(`queued ${count(queued, 'confirmation mail')}${pace}; a running \`newsletter worker\` sends them\n`);
        }
        // A file whose every row is bad is as unusable as one without a header.
        if (result.errorCount > 0 && result.imported + result.updated + result.skipped === 0) process.exitCode = 1;
      }, config);
    });

  cmd
    .command('export')
    .description(
      'write subscribers as CSV with their consent record (email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at)',
    )
    .option('--list <id>', 'only members of this list (default: every subscriber)')
    .option('--out <file>', 'write to this file (created with mode 600: it holds personal data) instead of stdout')
    .action(async (opts: { list?: string; out?: string }) => {
      const listId = opts.list === undefined ? undefined : requireListId(opts.list);
      const { exportSubscribers } = await import('../../subscribers/csv-export.ts');
      await withStore(async (store, { config, redis, keys }) => {
        const consentText = await consentTextOf(config.emailsDir);
        const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
        try {
          const { exported } = await exportSubscribers(store, out, { listId, end: Boolean(opts.out), consentText });
          await recordCliAudit(redis, keys, config, 'export', listId ?? 'all', `rows=${exported}`);
          process.stderr.write(`exported ${count(exported, 'subscriber')}${opts.out ? ` to ${opts.out}` : ''}\n`);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') return; // the reader (e.g. `| head`) went away: not an error
          if (opts.out && code) throw new UserError(`--out ${opts.out}: cannot write (${code})`);
          throw error;
        }
      });
    });
}
