// What `publish` stores once per issue in Redis (JSON at keys.rendered(issueId)), immutable:
// the deliver workers and the web archive read it; nobody renders again per subscriber.
import type { RenderedIssue, TrackedLinks } from '../render/types.ts';

export interface PublishedIssue {
  issueId: string;
  newsletterId: string;
  /** Display name of the newsletter (List-Id phrase, archive titles). */
  newsletterName: string;
  listId: string;
  locale: string;
  number: number;
  /** Issue date, YYYY-MM-DD. */
  date: string;
  subject: string;
  /** SHA-256 (hex) of the rendered html+text+subject: re-publishing a changed issue needs --force. */
  contentHash: string;
  publishedAt: string;
  rendered: RenderedIssue;
  /** Added by the campaign module: the newsletter's sender display name (the From phrase). */
  senderName?: string;
  /** The newsletter tracks clicks (its `tracking.clicks`): a list send of it tracks its links at publish. */
  trackClicks?: boolean;
  /** The newsletter counts opens (its `tracking.opens`): a list send of it carries an open pixel. */
  trackOpens?: boolean;
  /**
   * The links tracked at publish of the list send (src/use-cases/send-issue.ts, track-links.ts):
   * what the workers send instead of `rendered.splice`. Never in a test send's copy; `rendered`
   * itself, which the archive and the feed show, is never tracked.
   */
  clicks?: TrackedLinks;
}

export const CAMPAIGN_STATES = ['scheduled', 'sending', 'paused', 'done', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** `status --json`; the counters add up: queued + sent + failed + bounced + skipped + unknown = total. */
/** A send's counters: one per final ledger state, plus the in-doubt re-sends. */
export interface CampaignCounters {
  sent: number;
  failed: number;
  bounced: number;
  skipped: number;
  unknown: number;
  /** In-doubt re-sends after a worker died mid-transaction (possible duplicates), reported. */
  possibleDuplicates: number;
}

export interface CampaignStatus extends CampaignCounters {
  issueId: string;
  state: CampaignState;
  total: number;
  queued: number;
  /** Why the send paused itself (a failure that would hit every message, e.g. SMTP authentication). */
  pausedReason?: string;
  /** The pause ends by itself when the SMTP server answers again (it was unreachable). */
  resumesBySelf?: boolean;
  /** When a send given a start time (`send --at`) starts, or started; ISO 8601 in UTC. */
  scheduledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Reported after the SMTP conversation (webhooks, DSNs): bounces of messages sent, and complaints. */
  lateBounces?: number;
  complaints?: number;
  /** Readers who left through this issue's unsubscribe link. */
  unsubscribes?: number;
}

// ── Added by the campaign module (additive; the shapes above are the shared contract) ──

/** Final ledger states: once one is written for a subscriber it never changes or counts twice. */
export const FINAL_STATES = ['sent', 'bounced', 'failed', 'skipped', 'unknown'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

/**
 * What `claim` answers: `claimed` (send it), `in-doubt` (a previous attempt died mid-send:
 * send again, counted as a possible duplicate), `paused` (do not send now), `missing` (no such
 * campaign), or the final state the subscriber already has (nothing to send).
 */
export type ClaimOutcome = 'claimed' | 'in-doubt' | 'paused' | 'missing' | FinalState;

/** A deliver job carries ids only; the worker refetches everything else. */
export interface DeliverJobData {
  /** Campaign id: the issue id, or `<issueId>~test-<ms>` for a test send. */
  campaignId: string;
  subscriberId: string;
}

export interface FanoutJobData {
  /** Campaign id (see DeliverJobData). */
  campaignId: string;
  /** Which send of the campaign this fan-out belongs to; an older one stops when it sees a newer. */
  run: number;
}

/**
 * A campaign job's data as it may be found in a queue: queued by this version, or by one before
 * the field was named `campaignId` (it was `issueId`, holding the same campaign id).
 */
export type QueuedJobData<T extends { campaignId: string }> = Partial<T> & { issueId?: unknown };

/** `list`: the newsletter's subscribers; `test`: only the addresses given to `send --test`. */
export type CampaignMode = 'list' | 'test';

/** The campaign hash (keys.campaign(id)) as read back; counters are numbers. */
export interface CampaignRecord extends CampaignCounters {
  campaignId: string;
  issueId: string;
  mode: CampaignMode;
  listId: string;
  state: CampaignState;
  contentHash: string;
  /** Subscribers registered in the ledger so far (exact once the fan-out finished). */
  total: number;
  /** Active subscribers counted when the send started (shown until the fan-out finished). */
  expected: number;
  fanoutDone: boolean;
  fanoutStarted: boolean;
  /** Incremented by every `send` of the campaign (a second send of an issue continues its ledger). */
  run: number;
  /** Paging cursor of the fan-out ('' = from the start), saved after each chunk. */
  cursor: string;
  createdAt?: string;
  scheduledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Test sends only: the recipients, in order (`t1` is the first). */
  testRecipients: string[];
  /** `send --new-subscribers`: this run adds only subscribers the ledger has never seen. */
  onlyNew: boolean;
  /** Set when the send paused itself; cleared by resume. */
  pausedReason?: string;
  /** Set when that pause ends by itself (see PausedUntil). */
  pausedUntil?: PausedUntil;
  /** Bounces and complaints reported after the send (webhooks, DSN/ARF), attributed to it. */
  lateBounces: number;
  complaints: number;
  /** Unsubscribes through this issue's links (only from readers it was sent to). */
  unsubscribes: number;
}

/** What ends a self-pause without an operator: the SMTP server answering again. */
export type PausedUntil = 'smtp-reachable';
