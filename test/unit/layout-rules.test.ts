// Rules of the layout that a reader of one file cannot see (README, "How it is built"):
// - one module writes each Redis record: the campaign hash only src/campaign/records/campaign-record.ts
//   (the ledger's scripts change it through its Lua functions, CAMPAIGN_LUA);
// - src/ never imports workers/ (the process entry imports the library, not the other way).
// Both are read from the source text, as a reviewer would: a write through a key built
// elsewhere and passed in escapes them, so keep keys.campaign(…) beside the command it feeds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const OWNER = 'src/campaign/records/campaign-record.ts';

function sourceFiles(dir: string): string[] {
  return (readdirSync(join(root, dir), { recursive: true }) as string[])
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f).replaceAll('\\', '/'));
}

/** Commands that change a hash or its key, as ioredis methods (lower case) and as Lua (upper). */
const WRITES = ['hset', 'hsetnx', 'hincrby', 'hincrbyfloat', 'hdel', 'hmset', 'del', 'unlink', 'expire', 'pexpire', 'expireat', 'persist', 'rename'];
const TS_WRITE = new RegExp(`\\.(${WRITES.join('|')})\\(\\s*([^,)]*)`, 'g');
const LUA_WRITE = new RegExp(`redis\\.call\\(\\s*['"](${WRITES.join('|')})['"]\\s*,\\s*([A-Za-z_][\\w]*(?:\\[\\d+\\])?)`, 'gi');

/** The elements of an array literal's text, split at its top-level commas. */
function elements(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * Writes to a campaign hash in one file's text: an ioredis write whose key is `….campaign(…)` (or
 * a const holding one), and a Lua write whose key is a variable named `campaign` or the KEYS[i]
 * that a `SCRIPT.run(redis, [keys…])` of the same file fills with `….campaign(…)`.
 */
function campaignHashWrites(source: string): string[] {
  const found: string[] = [];
  const holders = new Set([...source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*[\w.!]*\.campaign\(/g)].map((m) => m[1]!));
  for (const m of source.matchAll(TS_WRITE)) {
    const key = m[2]!.trim();
    if (/\.campaign\(/.test(key) || holders.has(key)) found.push(m[0]);
  }
  // Which KEYS[i] each script is given the campaign hash in.
  const campaignKeys = new Map<string, Set<string>>();
  for (const m of source.matchAll(/\b(\w+)\.run\(\s*[^,]+,\s*\[([^\]]*(?:\([^)]*\)[^\]]*)*)\]/g)) {
    elements(m[2]!).forEach((el, i) => {
      if (/\.campaign\(/.test(el)) campaignKeys.set(m[1]!, (campaignKeys.get(m[1]!) ?? new Set()).add(`KEYS[${i + 1}]`));
    });
  }
  for (const m of source.matchAll(/\b(?:const|let)\s+(\w+)\s*=\s*new LuaScript\(\s*`([\s\S]*?)`\s*\)/g)) {
    const keysOfCampaign = campaignKeys.get(m[1]!) ?? new Set<string>();
    for (const w of m[2]!.matchAll(LUA_WRITE)) if (keysOfCampaign.has(w[2]!)) found.push(`${m[1]}: ${w[0]}`);
  }
  // A Lua fragment's function that takes the hash as `campaign`.
  for (const w of source.matchAll(LUA_WRITE)) if (w[2] === 'campaign') found.push(w[0]);
  return found;
}

describe('the campaign hash', () => {
  it(`is written by ${OWNER} alone`, () => {
    const offending = [...sourceFiles('src'), ...sourceFiles('workers')]
      .filter((f) => f !== OWNER)
      .flatMap((f) => campaignHashWrites(readFileSync(join(root, f), 'utf8')).map((w) => `${f}: ${w}`));
    expect(offending).toEqual([]);
  });

  it('the owner writes it (the scan sees its writes)', () => {
    expect(campaignHashWrites(readFileSync(join(root, OWNER), 'utf8')).length).toBeGreaterThan(3);
  });

  it('the scan finds each way of writing it', () => {
    expect(campaignHashWrites("await redis.hset(k.campaign(id), 'state', 'done');")).toHaveLength(1);
    expect(campaignHashWrites("const key = this.k.campaign(id);\nawait redis.multi().hincrby(key, 'sent', 1).exec();")).toHaveLength(1);
    const script =
      "const S = new LuaScript(`\nredis.call('HSET', KEYS[2], 'state', 'x')\nredis.call('HSET', KEYS[1], 'a', 'b')\n`);\nS.run(redis, [k.ledger(id), k.campaign(id), inDoubtKey(k, id)], []);";
    expect(campaignHashWrites(script)).toEqual(["S: redis.call('HSET', KEYS[2]"]);
    expect(campaignHashWrites("local function f(campaign) redis.call('HINCRBY', campaign, 'total', 1) end")).toHaveLength(1);
    expect(campaignHashWrites("await redis.hset(k.ledger(id), sub, 'queued');")).toEqual([]);
  });
});

describe('src/', () => {
  it('imports nothing from workers/ (the process entries)', () => {
    const offending = sourceFiles('src').filter((f) => /(?:\bfrom\s*|\bimport\s*\(\s*)['"][^'"]*\/workers\//.test(readFileSync(join(root, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
