// Where the web archive reads published issues from. The HTTP routes depend only on this
// small interface; the Redis implementation reads what `publish` stored (PublishedIssue JSON
// at keys.rendered(id), ids in the keys.archiveIndex() sorted set) and the campaign's state.
import { readSendStates, recentCampaignIds } from '../campaign/records/campaign-record.ts';
import type { Redis } from 'ioredis';
import type { PublishedIssue } from '../campaign/types.ts';
import type { Keys } from '../redis/keys.ts';

export interface ArchiveEntry {
  issueId: string;
  newsletterId: string;
  newsletterName: string;
  number: number;
  date: string;
  subject: string;
  /** The preheader and the issue's lead (render's summary), when it has them. */
  summary?: string;
}

export interface ArchiveSource {
  /** Issues readers may see, newest first (date, then number). */
  list(newsletterId?: string): Promise<ArchiveEntry[]>;
  /** The published issue, or null when unknown or not (yet) public. */
  get(issueId: string): Promise<PublishedIssue | null>;
}

// Weekly issues: decades of them fit in one read; past this, the oldest are left out.
const MAX_ISSUES = 2000;
// A published issue is immutable (re-publishing a changed one needs --force): its list entry
// is kept this long instead of re-reading ~100 KB of JSON per issue on every archive view.
const ENTRY_TTL_MS = 60_000;

export function newestFirst(a: ArchiveEntry, b: ArchiveEntry): number {
  return b.date.localeCompare(a.date) || b.number - a.number || a.issueId.localeCompare(b.issueId);
}

/**
 * Public once its send to the list has started: a scheduled issue is not out yet, and a test
 * send (mode `test`, ids `<issue>~test-…`) never makes an issue public.
 */
function isPublic(state: string | null | undefined, mode: string | null | undefined): boolean {
  return !!state && state !== 'scheduled' && mode !== 'test';
}

function parse(json: string | null | undefined): PublishedIssue | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as PublishedIssue;
  } catch {
    return null;
  }
}

/** The web address of a newsletter's newest public issue (the welcome mail links it), if any. */
export function latestIssueUrl(archive: ArchiveSource, publicUrl: string): (newsletterId: string) => Promise<string | undefined> {
  return async (newsletterId) => {
    const [newest] = await archive.list(newsletterId);
    return newest ? `${publicUrl}/issues/${encodeURIComponent(newest.issueId)}` : undefined;
  };
}

export class RedisArchiveSource implements ArchiveSource {
  private readonly entries = new Map<string, { entry: ArchiveEntry; at: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** Every partition's keys (src/redis/partitions.ts): a send's state is its shards' merged. */
    private readonly partitionKeys: readonly Keys[] = [keys],
  ) {}

  async get(issueId: string): Promise<PublishedIssue | null> {
    if (issueId.includes('~')) return null;
    const [json, [campaign]] = await Promise.all([this.redis.get(this.keys.rendered(issueId)), readSendStates(this.redis, this.partitionKeys, [issueId])]);
    return isPublic(campaign?.state ?? null, campaign?.mode ?? null) ? parse(json) : null;
  }

  async list(newsletterId?: string): Promise<ArchiveEntry[]> {
    const ids = (await recentCampaignIds(this.redis, this.keys, MAX_ISSUES)).filter((id) => !id.includes('~'));
    if (ids.length === 0) return [];
    const states = await readSendStates(this.redis, this.partitionKeys, ids);
    const visible = ids.filter((_, i) => isPublic(states[i]?.state ?? null, states[i]?.mode ?? null));

    const now = Date.now();
    const stale = visible.filter((id) => (this.entries.get(id)?.at ?? 0) + ENTRY_TTL_MS < now);
    // In chunks: each body is up to ~100 KB.
    for (let start = 0; start < stale.length; start += 50) {
      const chunk = stale.slice(start, start + 50);
      const bodies = await this.redis.mget(chunk.map((id) => this.keys.rendered(id)));
      chunk.forEach((id, i) => {
        const p = parse(bodies[i]);
        if (!p) {
          this.entries.delete(id);
          return;
        }
        const entry: ArchiveEntry = {
          issueId: p.issueId,
          newsletterId: p.newsletterId,
          newsletterName: p.newsletterName,
          number: p.number,
          date: p.date,
          subject: p.subject,
          ...(p.rendered?.summary ? { summary: p.rendered.summary } : {}),
        };
        this.entries.set(id, { entry, at: now });
      });
    }
    return visible
      .flatMap((id) => {
        const entry = this.entries.get(id)?.entry;
        return entry && (!newsletterId || entry.newsletterId === newsletterId) ? [entry] : [];
      })
      .sort(newestFirst);
  }
}
