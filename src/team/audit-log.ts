// The audit log, the one owner of its Redis stream: who did what to the newsletter, when and
// from which address. Entries are only ever appended; each XADD also trims, by age only, the
// entries older than AUDIT_RETENTION_DAYS. The stream id is the entry's time, so reading a
// period is a range of ids. An entry names a member by their address and id, never carries a
// password, token or secret, and names subscribers only by id.
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'logout',
  'password-set',
  'reset-asked',
  'send',
  'schedule',
  'reschedule',
  'pause',
  'resume',
  'cancel',
  'test-send',
  'issue-save',
  'issue-restore',
  'issue-new',
  'subscriber-add',
  'subscriber-edit',
  'subscriber-leave',
  'subscriber-delete',
  'subscribers-bulk',
  'import',
  'export',
  'member-invite',
  'member-role',
  'member-remove',
  'session-end',
  'token-create',
  'token-revoke',
  'two-factor-on',
  'two-factor-off',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** The stream id: `<ms since the epoch>-<n>`. */
  id: string;
  at: string;
  action: AuditAction;
  /** How the actor is named (an address, `ADMIN_TOKEN`, `API token "name"`, `cli (user)`). */
  actor: string;
  /** The member behind it, if any. */
  actorId: string;
  ip: string;
  /** What it was done to: an issue id, a member's address, a subscriber id. */
  target: string;
  /** Counts and other facts, as text (`recipients=200`). */
  detail: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditFilter {
  action?: AuditAction;
  /** Part of the actor's name (case-blind). */
  actor?: string;
  /** Part of the target (case-blind). */
  target?: string;
  /** Only entries at or after / before these times (ms since the epoch). */
  since?: number;
  until?: number;
}

const DAY_MS = 24 * 3600 * 1000;
const BATCH = 500;

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

function decode(id: string, fields: string[]): AuditEntry | null {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (!isAuditAction(f.action)) return null;
  return {
    id,
    at: new Date(Number(id.split('-')[0])).toISOString(),
    action: f.action,
    actor: f.actor ?? '',
    actorId: f.actorId ?? '',
    ip: f.ip ?? '',
    target: f.target ?? '',
    detail: f.detail ?? '',
  };
}

function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.action && entry.action !== filter.action) return false;
  if (filter.actor && !entry.actor.toLowerCase().includes(filter.actor.toLowerCase())) return false;
  if (filter.target && !entry.target.toLowerCase().includes(filter.target.toLowerCase())) return false;
  return true;
}

/**
 * A time as a bound of a range of the stream: its ids are milliseconds since 1970, never
 * negative (Redis refuses `-62167219200000`, a date in year 2 typed for 2020), so a time before
 * 1970 is 0: a `since` then takes everything, an `until` nothing.
 */
function streamTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms)));
}

export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly retentionDays: number,
  ) {}

  /** Appends an entry (and drops those past the retention period); returns it as stored. */
  async record(entry: NewAuditEntry, now = Date.now()): Promise<AuditEntry> {
    const oldest = now - this.retentionDays * DAY_MS;
    const fields = ['action', entry.action, 'actor', entry.actor, 'actorId', entry.actorId, 'ip', entry.ip, 'target', entry.target, 'detail', entry.detail];
    const id = (await this.redis.xadd(this.keys.auditLog(), 'MINID', String(oldest), '*', ...fields)) as string;
    return { id, at: new Date(Number(id.split('-')[0])).toISOString(), ...entry };
  }

  /**
   * Entries matching the filter, newest first: at most `limit`, starting before the id `before`
   * (a page's last id, for the next page).
   */
  async page(filter: AuditFilter, limit: number, before?: string): Promise<{ entries: AuditEntry[]; next: string | null }> {
    const entries: AuditEntry[] = [];
    let end = before ? `(${before}` : filter.until !== undefined ? streamTime(filter.until) : '+';
    const start = filter.since !== undefined ? streamTime(filter.since) : '-';
    for (;;) {
      const batch = (await this.redis.xrevrange(this.keys.auditLog(), end, start, 'COUNT', BATCH)) as [string, string[]][];
      for (const [id, fields] of batch) {
        const entry = decode(id, fields);
        if (entry && matches(entry, filter)) {
          entries.push(entry);
          if (entries.length === limit) return { entries, next: id };
        }
      }
      if (batch.length < BATCH) return { entries, next: null };
      end = `(${batch.at(-1)![0]}`;
    }
  }

  /** Every matching entry, oldest first, a batch at a time (the CSV export). */
  async *all(filter: AuditFilter): AsyncGenerator<AuditEntry> {
    let start = filter.since !== undefined ? streamTime(filter.since) : '-';
    const end = filter.until !== undefined ? streamTime(filter.until) : '+';
    for (;;) {
      const batch = (await this.redis.xrange(this.keys.auditLog(), start, end, 'COUNT', BATCH)) as [string, string[]][];
      for (const [id, fields] of batch) {
        const entry = decode(id, fields);
        if (entry && matches(entry, filter)) yield entry;
      }
      if (batch.length < BATCH) return;
      start = `(${batch.at(-1)![0]}`;
    }
  }
}
