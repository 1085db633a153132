// The sample issues as the browser and archive tests need them: each sample's id, its email as a
// subscriber gets it, and a publication with a send under way (which is what makes the web
// archive serve an issue).
import { readdirSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { publishIssue, toPublishedIssue } from '../../src/campaign/records/publish.ts';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import type { Issue, Newsletter } from '../../src/content/schema.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { personalise } from '../../src/render/index.ts';
import type { RenderedIssue } from '../../src/render/types.ts';

/** Every sample issue, by id (emails/issues/<id>.yaml), sorted. */
export const SAMPLE_IDS = readdirSync('emails/issues')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

/** The rendered issue's HTML as one subscriber gets it (made-up personal links, a long name). */
export function subscriberEmail(rendered: RenderedIssue, issueId: string): string {
  return personalise(rendered, {
    unsubscribeUrl: 'https://news.example.test/unsubscribe/T',
    preferencesUrl: 'https://news.example.test/preferences/T',
    viewOnlineUrl: `https://news.example.test/issues/${issueId}`,
    name: 'Ada Lovelace-Byron',
  }).html;
}

/** Publishes the rendered issue and starts its list send's record (no worker runs it): the archive then serves the issue. */
export async function publishWithSendUnderWay(
  h: { redis: Redis; keys: Keys },
  rendered: RenderedIssue,
  issue: Issue,
  newsletter: Newsletter,
): Promise<PublishedIssue> {
  const { published } = await publishIssue(h.redis, h.keys, toPublishedIssue(rendered, issue, newsletter));
  await startCampaign(h.redis, h.keys, {
    campaignId: issue.id,
    issueId: issue.id,
    mode: 'list',
    listId: newsletter.listId,
    contentHash: published.contentHash,
    state: 'sending',
    expected: 0,
  });
  return published;
}
