// The issue as a list send publishes it (src/use-cases/send-issue.ts; `bench tracking` publishes
// the same way): its links through PUBLIC_URL/r/ when its newsletter counts clicks, and an open
// pixel when it counts opens.
import { trackLinks } from '../../render/track-links.ts';
import type { ClickStore } from '../../reports/click-store.ts';
import type { PublishedIssue } from '../types.ts';

/**
 * The issue as its list send publishes it: with `trackClicks`, every http(s) link through
 * PUBLIC_URL/r/<campaign>/<n>/<click token> (track-links.ts); with `trackOpens`, an open pixel
 * PUBLIC_URL/o/<campaign>/<click token>.gif. The numbers of an earlier version's links are kept.
 * `rendered` stays as it was: the archive and the feed show it untracked.
 */
export async function withTrackedLinks(published: PublishedIssue, publicUrl: string, clicks: ClickStore): Promise<PublishedIssue> {
  if (!published.trackClicks && !published.trackOpens) return published;
  const campaignId = published.issueId;
  const root = publicUrl.replace(/\/+$/, '');
  const base = `${root}/r/${encodeURIComponent(campaignId)}`;
  const tracked = trackLinks(published.rendered, base, await clicks.links(campaignId), {
    clicks: published.trackClicks === true,
    ...(published.trackOpens ? { openPixel: `${root}/o/${encodeURIComponent(campaignId)}` } : {}),
  });
  return { ...published, clicks: tracked };
}
