// The transactional worker (started by `newsletter worker`): the double opt-in mail, the
// welcome mail and the fresh preferences link, one job each on the transactional queue
// (transactional-jobs.ts). Each job carries ids (and a seed): the worker refetches the
// subscriber, derives the token under SECRET, renders through the MJML pipeline and sends.
import { createHash } from 'node:crypto';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { Newsletter } from '../content/schema.ts';
import { domainOf, listIdentifier, newsletterLinks } from '../mail/index.ts';
import type { DeliveryOutcome, Mailer, OutgoingMessage } from '../mail/types.ts';
import { isConnectionError } from '../redis/connection.ts';
import { QUEUES } from '../redis/keys.ts';
import { confirmUrl } from './confirmation-mail.ts';
import { fromHeader } from './from-header.ts';
import { greetingName } from './greeting-name.ts';
import {
  freshPreferencesUrl,
  mayMailPreferencesLink,
  PREFERENCES_LINK_JOB,
  type PreferencesLinkJobData,
  preferencesLinkMail,
} from './preferences-link-mail.ts';
import { confirmationTokenOf, signListToken } from './tokens.ts';
import { CONFIRM_JOB, type ConfirmJobData, WELCOME_JOB, type WelcomeJobData } from './transactional-jobs.ts';
import type { SubscriberStore } from './types.ts';

/** The part of the renderer this worker needs (src/render's Renderer satisfies it). */
export interface TransactionalRenderer {
  renderTransactional(
    name: 'confirm',
    data: { newsletter: Newsletter; confirmUrl: string; name?: string; expiresInHours?: number },
  ): Promise<{ subject: string; html: string; text: string }>;
  renderTransactional(
    name: 'welcome',
    data: { newsletter: Newsletter; name?: string; latestUrl?: string; archiveUrl: string; unsubscribeUrl: string; preferencesUrl?: string },
  ): Promise<{ subject: string; html: string; text: string }>;
  renderTransactional(
    name: 'preferences-link',
    data: { newsletter: Newsletter; preferencesUrl: string; name?: string; expiresInDays: number },
  ): Promise<{ subject: string; html: string; text: string }>;
  hasWelcome(): boolean;
}

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type ConfirmOutcome = 'sent' | 'skipped' | 'bounced';

export function startTransactionalWorker(deps: {
  config: Pick<Config, 'publicUrl' | 'mailFrom' | 'confirmTtlHours' | 'secrets'>;
  connection: Redis;
  prefix: string;
  store: SubscriberStore;
  renderer: TransactionalRenderer;
  newsletters: readonly Newsletter[];
  mailer: Mailer;
  /** The web address of the newsletter's newest issue, for the welcome mail (none: no link). */
  latestIssueUrl?: (newsletterId: string) => Promise<string | undefined>;
  concurrency?: number;
  logger?: Log;
  /** Jobs of other rooms on this queue, by name (the team's link mails: src/team/member-link-mail.ts). */
  otherJobs?: Readonly<Record<string, (job: Job) => Promise<ConfirmOutcome>>>;
}): Worker<ConfirmJobData | WelcomeJobData | PreferencesLinkJobData, ConfirmOutcome> {
  const log: Log = deps.logger ?? { info() {}, warn() {} };

  /** To the bare address only: the name a form gave never goes into a header. */
  function mailTo(
    to: string,
    from: string,
    mail: { subject: string; html: string; text: string },
    messageId: string,
    list?: OutgoingMessage['list'],
  ): Promise<DeliveryOutcome> {
    return deps.mailer.send({ from, to, subject: mail.subject, html: mail.html, text: mail.text, messageId, ...(list ? { list } : {}) });
  }

  async function processWelcome(job: Job<WelcomeJobData, ConfirmOutcome>): Promise<ConfirmOutcome> {
    const { subscriberId, listId } = job.data;
    const newsletter = deps.newsletters.find((n) => n.listId === listId);
    if (!newsletter) throw new UnrecoverableError(`no newsletter sends to list "${listId}"`);
    if (!newsletter.welcome) return 'skipped';
    if (!deps.renderer.hasWelcome()) {
      log.warn({ listId }, 'no emails/templates/welcome.mjml.hbs: welcome mail not sent');
      return 'skipped';
    }
    const subscriber = await deps.store.get(subscriberId);
    // Only to someone still on the list: they may have left between the click and this job.
    if (subscriber?.status !== 'active' || !subscriber.lists.includes(listId)) return 'skipped';
    const from = fromHeader(deps.config.mailFrom, newsletter.sender.name);
    const domain = domainOf(from.address);
    const token = signListToken(deps.config.secrets, subscriberId, listId);
    const links = newsletterLinks(deps.config.publicUrl, 'welcome', token, domain);
    const latestUrl = await deps.latestIssueUrl?.(newsletter.id);
    const name = greetingName(subscriber.name);
    const mail = await deps.renderer.renderTransactional('welcome', {
      newsletter,
      ...(name ? { name } : {}),
      ...(latestUrl ? { latestUrl } : {}),
      archiveUrl: `${deps.config.publicUrl}/issues?newsletter=${encodeURIComponent(newsletter.id)}`,
      unsubscribeUrl: links.unsubscribeUrl,
      // A preferences link that works for a few days (the footer's never does: it may be forwarded).
      preferencesUrl: freshPreferencesUrl(deps.config, subscriberId, listId),
    });
    const outcome = await mailTo(subscriber.email, from.header, mail, `<welcome.${subscriberId}.${listId}@${domain}>`, {
      unsubscribeUrl: links.unsubscribeUrl,
      unsubscribeMailto: links.unsubscribeMailto,
      id: listIdentifier(listId, domain),
      name: newsletter.name,
    });
    if (outcome.kind === 'sent') return 'sent';
    if (outcome.kind === 'permanent') {
      await deps.store.setStatus(subscriberId, 'bounced');
      return 'bounced';
    }
    throw new Error(`welcome mail not sent (${outcome.kind}): ${outcome.reason}`);
  }

  async function processConfirm(job: Job<ConfirmJobData, ConfirmOutcome>): Promise<ConfirmOutcome> {
    const { subscriberId, listId } = job.data;
    const subscriber = await deps.store.get(subscriberId);
    // Refetch and re-check: the person may have been removed or confirmed meanwhile. A bounced or
    // complained address is mailed too: it asked again (form, preferences page), and only this
    // new link brings it back; links made before the suppression confirm nothing (confirmRequest).
    if (!subscriber) return 'skipped';
    if (subscriber.status === 'active' && subscriber.lists.includes(listId)) return 'skipped';
    const newsletter = deps.newsletters.find((n) => n.listId === listId);
    if (!newsletter) throw new UnrecoverableError(`no newsletter sends to list "${listId}"`);
    // Derived from the job's seed here, never stored in the job (a job queued before: its own token).
    const token = job.data.token ?? confirmationTokenOf(deps.config.secrets, job.data);
    if (!token)
      throw new UnrecoverableError(
        `confirmation job ${job.id}: its token cannot be derived (no seed, or the key of version ${job.data.keyVersion} is no longer in SECRET or SECRET_PREVIOUS); ask for a new confirmation`,
      );

    // The name given on the form, unless it looks like it carries a message (greeting-name.ts).
    const name = greetingName(subscriber.name);
    const mail = await deps.renderer.renderTransactional('confirm', {
      newsletter,
      confirmUrl: confirmUrl(deps.config.publicUrl, token),
      expiresInHours: deps.config.confirmTtlHours,
      ...(name ? { name } : {}),
    });
    const from = fromHeader(deps.config.mailFrom, newsletter.sender.name);
    const domain = domainOf(from.address);
    // Deterministic per token, so a retried job that did reach the server can be matched in logs.
    const tag = createHash('sha256').update(token).digest('hex').slice(0, 16);
    const outcome = await mailTo(subscriber.email, from.header, mail, `<confirm.${subscriberId}.${tag}@${domain}>`);
    switch (outcome.kind) {
      case 'sent':
        log.info({ subscriberId, listId }, 'confirmation sent');
        return 'sent';
      case 'permanent':
        // The mailbox does not exist: mark a not-yet-confirmed address bounced, never retry.
        if (subscriber.status === 'pending') await deps.store.setStatus(subscriberId, 'bounced');
        log.warn({ subscriberId, code: outcome.code, reason: outcome.reason }, 'confirmation bounced');
        return 'bounced';
      default:
        // Transient or ambiguous: a second confirmation mail is harmless, so retry with backoff.
        throw new Error(`confirmation mail not sent (${outcome.kind}): ${outcome.reason}`);
    }
  }

  /** A fresh link to the preferences page, to the subscriber's own address (preferences-link-mail.ts). */
  async function processPreferencesLink(job: Job<PreferencesLinkJobData, ConfirmOutcome>): Promise<ConfirmOutcome> {
    const subscriber = await deps.store.get(job.data.subscriberId);
    if (!mayMailPreferencesLink(subscriber)) return 'skipped';
    const prepared = preferencesLinkMail(deps.config, deps.newsletters, subscriber, job.data.listId);
    if (!prepared) return 'skipped';
    const mail = await deps.renderer.renderTransactional('preferences-link', prepared.data);
    const from = fromHeader(deps.config.mailFrom, prepared.newsletter.sender.name);
    const outcome = await mailTo(subscriber.email, from.header, mail, `<preferences.${subscriber.id}.${job.id ?? 'x'}@${domainOf(from.address)}>`);
    if (outcome.kind === 'sent') return 'sent';
    if (outcome.kind === 'permanent') return 'bounced';
    throw new Error(`preferences link not sent (${outcome.kind}): ${outcome.reason}`);
  }

  const worker = new Worker<ConfirmJobData | WelcomeJobData | PreferencesLinkJobData, ConfirmOutcome>(
    QUEUES.transactional,
    async (job) => {
      if (job.name === WELCOME_JOB) return processWelcome(job as Job<WelcomeJobData, ConfirmOutcome>);
      if (job.name === PREFERENCES_LINK_JOB) return processPreferencesLink(job as Job<PreferencesLinkJobData, ConfirmOutcome>);
      const other = deps.otherJobs?.[job.name];
      if (other) return other(job as Job);
      if (job.name !== CONFIRM_JOB) throw new UnrecoverableError(`unknown transactional job "${job.name}"`);
      return processConfirm(job as Job<ConfirmJobData, ConfirmOutcome>);
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 4 },
  );
  // An 'error' event without a listener would crash the process; Redis hiccups are retried by BullMQ.
  worker.on('error', (err) => isConnectionError(err) || log.warn({ err: err.message }, 'transactional worker error'));
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'transactional job failed'));
  return worker;
}
