// The one writer of the click records (keys in src/redis/keys.ts, `click*`): an issue's tracked
// links, and counters and HyperLogLog registers of who followed them, never a list of who.
//
// A person's click is held for two seconds before it counts: a link scanner opens every link of
// a message at once, and three or more different links of one reader within two seconds of each
// other make all of them a machine's. Links, not clicks: a person who clicks one link three
// times because the page was slow is still a person. `commit` counts the held clicks whose two seconds are over; the
// server calls it once a second, and a report calls it before it reads.
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { Keys } from '../redis/keys.ts';
import type { ClickKind } from './click-classify.ts';

/** Different links of one reader clicked this close together, three or more, are a scanner's. */
export const BURST_WINDOW_MS = 2_000;
export const BURST_CLICKS = 3;
/** How long the burst state lives: well past the window, within a minute. */
const STATE_TTL_MS = 60_000;
const COMMIT_BATCH = 500;

// KEYS: pending, recent (this reader's clicks in this issue, each at its time). ARGV: member,
// now, ttl.
const HOLD = new LuaScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
`);

// KEYS: pending. ARGV: counts/unique key prefix (…:clicks:), recent key prefix, cutoff, window,
// burst, batch, totals key. A member is campaign \\t link \\t reader \\t click id.
const COMMIT = new LuaScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[6]))
local window, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
for i = 1, #due, 2 do
  local member, at = due[i], tonumber(due[i + 1])
  local c, n, reader = string.match(member, '^([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)\\t')
  if c then
    -- Different links among the reader's clicks near this one: each click keeps its own time, so a
    -- second pass over the same links later does not move the first pass's clicks away.
    local near, seen = 0, {}
    for _, other in ipairs(redis.call('ZRANGEBYSCORE', ARGV[2] .. c .. ':' .. reader, at - window, at + window)) do
      local link = string.match(other, '^[^\\t]+\\t([^\\t]+)\\t')
      if link and not seen[link] then
        seen[link] = true
        near = near + 1
      end
    end
    local counts = ARGV[1] .. c .. ':counts'
    local hour = string.format('%d', math.floor(at / 3600000))
    if near >= burst then
      redis.call('HINCRBY', counts, 'm', 1)
      redis.call('HINCRBY', counts, 'm:' .. n, 1)
      redis.call('HINCRBY', ARGV[1] .. c .. ':hours', 'm:' .. hour, 1)
      redis.call('HINCRBY', ARGV[7], c .. '\\tm', 1)
    else
      redis.call('HINCRBY', ARGV[7], c .. '\\th', 1)
      redis.call('HINCRBY', ARGV[1] .. c .. ':hours', 'h:' .. hour, 1)
      redis.call('HINCRBY', counts, 'h', 1)
      redis.call('HINCRBY', counts, 'h:' .. n, 1)
      redis.call('PFADD', ARGV[1] .. c .. ':unique', reader)
      redis.call('PFADD', ARGV[1] .. c .. ':unique:' .. n, reader)
    end
  end
  redis.call('ZREM', KEYS[1], member)
end
return #due / 2
`);

/** The hour a time falls in, as the hourly counts name it (ms since the epoch / 3,600,000). */
export const hourOf = (ms: number) => Math.floor(ms / 3_600_000);

export interface HourCount {
  /** ms since the epoch / 3,600,000. */
  hour: number;
  human: number;
  machine: number;
}

export interface LinkCount {
  /** The link's number in the issue (1-based, document order). */
  link: number;
  url: string;
  /** Clicks by people, all of them and by distinct readers (HyperLogLog: within about 1 %). */
  human: number;
  humanUnique: number;
  machine: number;
}

export interface OpenCounts {
  human: number;
  /** Distinct readers who opened, by people's opens only (HyperLogLog: within about 1 %). */
  humanUnique: number;
  machine: number;
}

export interface ClickCounts {
  human: number;
  humanUnique: number;
  machine: number;
  /** Every tracked link, most clicked by people first (ties in document order). */
  links: LinkCount[];
}

/** Link URLs a store keeps in memory (linkUrl): a few weeks of issues with their links. */
const KNOWN_URLS = 10_000;

export class ClickStore {
  private clickSeq = 0;
  private readonly urls = new Map<string, string>();
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** The tracked links, numbered from 1 in document order (publish: a new version replaces the old). */
  async saveLinks(campaignId: string, urls: readonly string[]): Promise<void> {
    const multi = this.redis.multi().del(this.k.clickLinks(campaignId));
    if (urls.length) multi.hset(this.k.clickLinks(campaignId), ...urls.flatMap((url, i) => [String(i + 1), url]));
    await multi.exec();
  }

  /** The link table as stored (index n - 1 is link n); empty when it has none. */
  async links(campaignId: string): Promise<string[]> {
    const table = await this.redis.hgetall(this.k.clickLinks(campaignId));
    const out: string[] = [];
    for (let n = 1; table[String(n)] !== undefined; n++) out.push(table[String(n)]!);
    return out;
  }

  /**
   * Where link `link` of the issue goes, as stored at publish; null for an unknown issue or number.
   * A number once stored never changes its URL (a forced re-publish keeps the numbers and adds
   * new ones after them), so the answer is kept in this process: a redirect then needs no read
   * of Redis. An unknown number is asked again (it may have been published since).
   */
  async linkUrl(campaignId: string, link: number): Promise<string | null> {
    const key = `${campaignId}\t${link}`;
    const known = this.urls.get(key);
    if (known !== undefined) return known;
    const url = await this.redis.hget(this.k.clickLinks(campaignId), String(link));
    if (url !== null) {
      // Oldest first out: a Map keeps insertion order.
      if (this.urls.size >= KNOWN_URLS) this.urls.delete(this.urls.keys().next().value!);
      this.urls.set(key, url);
    }
    return url;
  }

  /** Counts one click (`none` counts nothing). A person's is held for the burst rule. */
  async record(campaignId: string, link: number, reader: string, kind: ClickKind, now = Date.now()): Promise<void> {
    if (kind === 'none') return;
    const counts = this.k.clickCounts(campaignId);
    if (kind === 'machine') {
      await this.redis
        .multi()
        .hincrby(counts, 'm', 1)
        .hincrby(counts, `m:${link}`, 1)
        .hincrby(this.k.clickHours(campaignId), `m:${hourOf(now)}`, 1)
        .hincrby(this.k.clickTotals(), `${campaignId}\tm`, 1)
        .exec();
      return;
    }
    // A click id keeps two clicks of one reader on one link apart in the sorted sets.
    const member = `${campaignId}\t${link}\t${reader}\t${now.toString(36)}.${(this.clickSeq++).toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
    await HOLD.run(this.redis, [this.k.clickPending(), `${this.k.clickRecentPrefix()}${campaignId}:${reader}`], [member, now, STATE_TTL_MS]);
  }

  /** Counts one open of the pixel (`none` counts nothing). No burst rule: a message has one pixel. */
  async recordOpen(campaignId: string, reader: string, kind: ClickKind): Promise<void> {
    if (kind === 'none') return;
    const counts = this.k.openCounts(campaignId);
    if (kind === 'machine') await this.redis.hincrby(counts, 'm', 1);
    else await this.redis.multi().hincrby(counts, 'h', 1).pfadd(this.k.openUnique(campaignId), reader).exec();
  }

  /** At publish of a list send with the open pixel: its report shows opens (zero until the first). */
  async trackOpens(campaignId: string): Promise<void> {
    await this.redis.hset(this.k.openCounts(campaignId), 'tracked', '1');
  }

  /** The opens so far; null when its messages carry no pixel. */
  async opens(campaignId: string): Promise<OpenCounts | null> {
    const [[tracked, human, machine], unique] = await Promise.all([
      this.redis.hmget(this.k.openCounts(campaignId), 'tracked', 'h', 'm'),
      this.redis.pfcount(this.k.openUnique(campaignId)),
    ]);
    if (tracked !== '1') return null;
    return { human: Number(human ?? 0), humanUnique: unique, machine: Number(machine ?? 0) };
  }

  /** Counts the held clicks whose two seconds are over; returns how many. */
  async commit(now = Date.now()): Promise<number> {
    let total = 0;
    for (;;) {
      const done = Number(
        await COMMIT.run(
          this.redis,
          [this.k.clickPending()],
          [this.k.clickPrefix(), this.k.clickRecentPrefix(), now - BURST_WINDOW_MS, BURST_WINDOW_MS, BURST_CLICKS, COMMIT_BATCH, this.k.clickTotals()],
        ),
      );
      total += done;
      if (done < COMMIT_BATCH) return total;
    }
  }

  /**
   * Commits every `everyMs` until the returned function is called (serve runs it once a second):
   * the held clicks of a reader who stopped clicking count within about 2 s + `everyMs`. One
   * commit at a time; a failed one is reported and the next tries again.
   */
  commitEvery(everyMs: number, onError: (error: Error) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.commit()
        .catch((error: unknown) => onError(error as Error))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Every issue's clicks counted so far by kind, deployment-wide (committed ones; what /metrics reports). */
  async totals(): Promise<Array<{ campaignId: string; kind: 'human' | 'machine'; clicks: number }>> {
    const fields = await this.redis.hgetall(this.k.clickTotals());
    return Object.entries(fields).flatMap(([field, n]) => {
      const [campaignId, kind] = field.split('\t');
      return campaignId && (kind === 'h' || kind === 'm')
        ? [{ campaignId, kind: kind === 'h' ? ('human' as const) : ('machine' as const), clicks: Number(n) || 0 }]
        : [];
    });
  }

  /** The clicks per hour, by people and by machines, in hour order (committed ones; call counts() first for the due ones). */
  async hourly(campaignId: string): Promise<HourCount[]> {
    const byHour = new Map<number, HourCount>();
    for (const [field, n] of Object.entries(await this.redis.hgetall(this.k.clickHours(campaignId)))) {
      const [kind, at] = field.split(':');
      const hour = Number(at);
      if ((kind !== 'h' && kind !== 'm') || !Number.isInteger(hour)) continue;
      const row = byHour.get(hour) ?? { hour, human: 0, machine: 0 };
      if (kind === 'h') row.human += Number(n) || 0;
      else row.machine += Number(n) || 0;
      byHour.set(hour, row);
    }
    return [...byHour.values()].sort((a, b) => a.hour - b.hour);
  }

  /** The counts after committing what is due. */
  async counts(campaignId: string, now = Date.now()): Promise<ClickCounts> {
    await this.commit(now);
    const [links, counts] = await Promise.all([this.redis.hgetall(this.k.clickLinks(campaignId)), this.redis.hgetall(this.k.clickCounts(campaignId))]);
    const numbers = Object.keys(links)
      .map(Number)
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
    const pipeline = this.redis.pipeline().pfcount(this.k.clickUnique(campaignId));
    for (const n of numbers) pipeline.pfcount(this.k.clickUnique(campaignId, n));
    const uniques = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value ?? 0));
    const num = (field: string) => Number(counts[field] ?? 0);
    const perLink = numbers.map((n, i) => ({
      link: n,
      url: links[String(n)]!,
      human: num(`h:${n}`),
      humanUnique: uniques[i + 1] ?? 0,
      machine: num(`m:${n}`),
    }));
    perLink.sort((a, b) => b.human - a.human || a.link - b.link);
    return { human: num('h'), humanUnique: uniques[0] ?? 0, machine: num('m'), links: perLink };
  }
}
