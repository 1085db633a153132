// What the console's home lists: every issue file in emails/issues with its subject and the
// state of its send, newest file name last (ids sort by number), and the recent sends.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { recentCampaignIds } from '../campaign/records/campaign-record.ts';
import type { Sends } from '../campaign/sends.ts';
import { findStatus } from '../campaign/status.ts';
import type { CampaignStatus } from '../campaign/types.ts';
import { CONTENT_ID } from '../content/schema.ts';

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

type SendsReader = Pick<Sends, 'redis' | 'keys' | 'shards'>;

export async function listIssues(emailsDir: string, sends: SendsReader): Promise<IssueSummary[]> {
  const dir = join(emailsDir, 'issues');
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids = names
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -5))
    .filter((id) => CONTENT_ID.test(id))
    .sort();
  return Promise.all(ids.map(async (id) => ({ id, subject: await subjectOf(join(dir, `${id}.yaml`)), status: await findStatus(sends, id) })));
}

export async function recentSends(sends: SendsReader, limit: number): Promise<CampaignStatus[]> {
  const ids = await recentCampaignIds(sends.redis, sends.keys, limit);
  // A test send's record may expire between the two reads: left out.
  const found = await Promise.all(ids.map((id) => findStatus(sends, id)));
  return found.filter((s): s is CampaignStatus => s !== null);
}
