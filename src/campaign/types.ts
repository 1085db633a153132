// What `publish` stores once per issue in Redis (JSON at keys.rendered(issueId)), immutable:
// the deliver workers and the web archive read it; nobody renders again per subscriber.
import type { RenderedIssue } from '../render/types.ts';

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
}

export const CAMPAIGN_STATES = ['scheduled', 'sending', 'paused', 'done', 'cancelled'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** `status --json`; the counters add up: queued + sent + failed + bounced + skipped + unknown = total. */
export interface CampaignStatus {
  issueId: string;
  state: CampaignState;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  bounced: number;
  skipped: number;
  unknown: number;
  /** In-doubt re-sends after a worker died mid-transaction (possible duplicates), reported. */
  possibleDuplicates: number;
  startedAt?: string;
  finishedAt?: string;
}
