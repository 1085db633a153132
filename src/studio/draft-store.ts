// The one writer of the studio's drafts and revisions in Redis (keys in src/redis/keys.ts).
//
// A draft is what one open editor has typed and not saved: autosaved after each pause in typing,
// so a closed tab or a crashed server loses a few seconds at most. Each editor (a page opened)
// has its own, so two tabs never overwrite each other's; they expire after DRAFT_TTL_SECONDS.
// A revision is an issue file as it was before a save replaced it, with when and who: the newest
// REVISIONS_KEPT per issue.
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

export const DRAFT_TTL_SECONDS = 14 * 24 * 3600;
export const REVISIONS_KEPT = 50;

export interface IssueDraft {
  /** The editor's id (one per opened page). */
  editor: string;
  /** The whole file as the editor has it. */
  text: string;
  /** The SHA-256 of the file the editor started from: a save over another version is a conflict. */
  base: string;
  /** ISO time of the last change. */
  at: string;
  /** The text before the last removal, for "Undo". */
  undo?: string;
}

export interface Revision {
  /** ISO time of the save that replaced it. */
  at: string;
  /** Who saved. */
  by: string;
  text: string;
}

export class DraftStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async put(issueId: string, draft: IssueDraft): Promise<void> {
    const key = this.keys.studioDrafts(issueId);
    await this.redis.multi().hset(key, draft.editor, JSON.stringify(draft)).expire(key, DRAFT_TTL_SECONDS).exec();
  }

  async get(issueId: string, editor: string): Promise<IssueDraft | null> {
    return parseDraft(await this.redis.hget(this.keys.studioDrafts(issueId), editor));
  }

  /** Every editor's draft of the issue, newest first. */
  async all(issueId: string): Promise<IssueDraft[]> {
    const raw = await this.redis.hvals(this.keys.studioDrafts(issueId));
    return raw
      .map(parseDraft)
      .filter((d): d is IssueDraft => d !== null)
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  async drop(issueId: string, editor: string): Promise<void> {
    await this.redis.hdel(this.keys.studioDrafts(issueId), editor);
  }

  async addRevision(issueId: string, revision: Revision): Promise<void> {
    const key = this.keys.studioRevisions(issueId);
    await this.redis
      .multi()
      .lpush(key, JSON.stringify(revision))
      .ltrim(key, 0, REVISIONS_KEPT - 1)
      .exec();
  }

  /** The kept revisions, newest first (index 0 is the version the last save replaced). */
  async revisions(issueId: string): Promise<Revision[]> {
    const raw = await this.redis.lrange(this.keys.studioRevisions(issueId), 0, REVISIONS_KEPT - 1);
    return raw.flatMap((r) => {
      try {
        const v = JSON.parse(r) as Revision;
        return typeof v.text === 'string' && typeof v.at === 'string' ? [{ at: v.at, by: String(v.by ?? ''), text: v.text }] : [];
      } catch {
        return [];
      }
    });
  }
}

function parseDraft(raw: string | null): IssueDraft | null {
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as IssueDraft;
    return typeof d.text === 'string' && typeof d.base === 'string' && typeof d.editor === 'string' && typeof d.at === 'string' ? d : null;
  } catch {
    return null;
  }
}
