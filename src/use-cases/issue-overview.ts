// What the console's home lists: every issue file in emails/issues with its subject and the
// state of its send, newest file name last (ids sort by number), and the recent sends.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { parse } from 'yaml';
import { recentCampaignIds } from '../campaign/campaign-record.ts';
import { findStatus } from '../campaign/status.ts';
import type { CampaignStatus } from '../campaign/types.ts';
import { CONTENT_ID } from '../content/schema.ts';
import type { Keys } from '../redis/keys.ts';

export interface IssueSummary {
  id: string;
  /** The subject line, or null when the file cannot be read as YAML. */
  subject: string | null;
  status: CampaignStatus | null;
}

/** Only the subject is read here (a quick look); the issue page loads and lints the whole file. */
async function subjectOf(file: string): Promise<string | null> {
  try {
    const doc = parse(await readFile(file, 'utf8')) as { subject?: unknown } | null;
    return typeof doc?.subject === 'string' ? doc.subject : null;
  } catch {
    return null;
  }
}

export async function listIssues(emailsDir: string, redis: Redis, keys: Keys): Promise<IssueSummary[]> {
  const dir = join(emailsDir, 'issues');
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids = names.filter((n) => n.endsWith('.yaml')).map((n) => n.slice(0, -5)).filter((id) => CONTENT_ID.test(id)).sort();
  return Promise.all(ids.map(async (id) => ({ id, subject: await subjectOf(join(dir, `${id}.yaml`)), status: await findStatus(redis, keys, id) })));
}

export async function recentSends(redis: Redis, keys: Keys, limit: number): Promise<CampaignStatus[]> {
  const ids = await recentCampaignIds(redis, keys, limit);
  // A test send's record may expire between the two reads: left out.
  const sends = await Promise.all(ids.map((id) => findStatus(redis, keys, id)));
  return sends.filter((s): s is CampaignStatus => s !== null);
}
