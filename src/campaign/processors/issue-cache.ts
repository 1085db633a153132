// Per worker process: each campaign's published issue, read from Redis once and turned into a
// prepared MIME message (built once, spliced per recipient). A forced re-publish changes the
// content hash the ledger's claim returns, and the entry is rebuilt.
import type { Redis } from 'ioredis';
import type { BuiltMessage, MimeRecipient } from '../../mail/types.ts';
import type { Keys } from '../../redis/keys.ts';
import { readCampaign } from '../records/campaign-record.ts';
import type { CampaignRecord, PublishedIssue } from '../types.ts';

export type { MimeRecipient } from '../../mail/types.ts';

/** The part of src/mail's PreparedIssueMime the deliver processor uses. */
export interface PreparedMime {
  build(recipient: MimeRecipient, now?: Date, into?: (length: number) => Buffer): BuiltMessage;
}

/** Builds the per-issue MIME once (src/mail's prepareIssueMime with from/publicUrl/dkim bound). */
export type PrepareMime = (published: PublishedIssue) => PreparedMime;

export interface CampaignContext {
  /** Static fields only (mode, listId, test recipients); the counters in it go stale. */
  campaign: CampaignRecord;
  published: PublishedIssue;
  mime: PreparedMime;
}

/** The campaign or its rendered issue is gone: the job cannot be done, ever. */
export class CampaignGoneError extends Error {
  override name = 'CampaignGoneError';
}

export class IssueCache {
  private readonly entries = new Map<string, Promise<CampaignContext>>();

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
    private readonly prepare: PrepareMime,
    /** Campaigns kept at once; the oldest is dropped first (a worker usually serves one). */
    private readonly max = 16,
  ) {}

  /** The context for a campaign; reloaded when `contentHash` differs from the cached one. */
  async get(campaignId: string, contentHash?: string): Promise<CampaignContext> {
    const cached = this.entries.get(campaignId);
    if (cached !== undefined) {
      const ctx = await cached.catch(() => null);
      if (ctx && (contentHash === undefined || ctx.published.contentHash === contentHash)) return ctx;
      if (this.entries.get(campaignId) === cached) this.entries.delete(campaignId);
    }
    const loading = this.load(campaignId);
    this.entries.set(campaignId, loading);
    loading.catch(() => this.entries.delete(campaignId));
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }

  private async load(campaignId: string): Promise<CampaignContext> {
    const [campaign, json] = await Promise.all([readCampaign(this.redis, this.k, campaignId), this.redis.get(this.k.rendered(campaignId))]);
    if (!campaign) throw new CampaignGoneError(`campaign ${campaignId} does not exist (no ${this.k.campaign(campaignId)})`);
    if (!json) throw new CampaignGoneError(`campaign ${campaignId} has no published issue at ${this.k.rendered(campaignId)}`);
    let published: PublishedIssue;
    try {
      published = JSON.parse(json) as PublishedIssue;
    } catch {
      throw new CampaignGoneError(`campaign ${campaignId}: the published issue at ${this.k.rendered(campaignId)} is not valid JSON`);
    }
    return { campaign, published, mime: this.prepare(published) };
  }
}
