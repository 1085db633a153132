// Publish: the issue rendered once, stored in Redis as JSON, immutable. The deliver workers
// and the web archive read it; nobody renders again per subscriber. Publishing the same id
// with different content is refused (it would mix two versions in one send) unless forced.
// This file owns the published issues (keys.rendered(id)), a test send's "[TEST]" copy among
// them, and the archive index they are listed in.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Issue, Newsletter } from '../../content/schema.ts';
import { UserError } from '../../errors.ts';
import type { Keys } from '../../redis/keys.ts';
import type { RenderedIssue } from '../../render/types.ts';
import type { PublishedIssue } from '../types.ts';

export function contentHash(subject: string, html: string, text: string): string {
  // Separators keep "ab"+"c" and "a"+"bc" apart.
  return createHash('sha256').update(subject).update('\u0000').update(html).update('\u0000').update(text).digest('hex');
}

export function toPublishedIssue(rendered: RenderedIssue, issue: Issue, newsletter: Newsletter, now = new Date()): PublishedIssue {
  return {
    issueId: issue.id,
    newsletterId: newsletter.id,
    newsletterName: newsletter.name,
    listId: newsletter.listId,
    locale: newsletter.locale,
    number: issue.number,
    date: issue.date,
    subject: rendered.subject,
    contentHash: contentHash(rendered.subject, rendered.html, rendered.text),
    publishedAt: now.toISOString(),
    rendered,
    senderName: newsletter.sender.name,
    ...(newsletter.tracking?.clicks ? { trackClicks: true } : {}),
    ...(newsletter.tracking?.opens ? { trackOpens: true } : {}),
  };
}

/** A copy for `send --test`: "[TEST] " before the subject, so nobody mistakes it for the real one. */
export function asTestIssue(published: PublishedIssue): PublishedIssue {
  const subject = `[TEST] ${published.subject}`;
  // A test send is never tracked: its copy carries the issue's own links.
  const { clicks: _clicks, trackClicks: _track, trackOpens: _opens, ...untracked } = published;
  return { ...untracked, subject, rendered: { ...published.rendered, subject } };
}

/** Stores a test send's "[TEST]" copy (asTestIssue) under its own campaign id, kept `seconds`. */
export async function storeTestCopy(redis: Redis, k: Keys, campaignId: string, copy: PublishedIssue, seconds: number): Promise<void> {
  await redis.set(k.rendered(campaignId), JSON.stringify(copy), 'EX', seconds);
}

export type PublishOutcome = 'published' | 'unchanged' | 'replaced';

export interface PublishResult {
  /** What is stored now (for `unchanged`, the earlier publication with its original time). */
  published: PublishedIssue;
  outcome: PublishOutcome;
}

/** Which of subject / html / text differ, e.g. `subject ("A" → "B"), html`. */
export function describeChanges(before: PublishedIssue, after: PublishedIssue): string {
  const changes: string[] = [];
  const a = before.rendered;
  const b = after.rendered;
  if (a.subject !== b.subject) changes.push(`subject (${JSON.stringify(a.subject)} → ${JSON.stringify(b.subject)})`);
  if (a.html !== b.html) changes.push(`html (${a.html.length} → ${b.html.length} characters)`);
  if (a.text !== b.text) changes.push(`text (${a.text.length} → ${b.text.length} characters)`);
  return changes.join(', ') || 'content';
}

export async function readPublished(redis: Redis, k: Keys, id: string): Promise<PublishedIssue | null> {
  const json = await redis.get(k.rendered(id));
  return json ? (JSON.parse(json) as PublishedIssue) : null;
}

function conflict(before: PublishedIssue, next: PublishedIssue): UserError {
  return new UserError(
    `issue ${next.issueId} was published on ${before.publishedAt} with other content; changed: ${describeChanges(before, next)}. ` +
      'Subscribers who already got it keep the old version. To send the change to the rest, run again with --force; ' +
      'for a new edition, save it under a new file name.',
  );
}

/** What publishing `next` would do, without doing it (throws the same UserError as publishIssue). */
export async function checkPublish(redis: Redis, k: Keys, next: PublishedIssue, opts: { force?: boolean } = {}): Promise<PublishOutcome> {
  const before = await readPublished(redis, k, next.issueId);
  if (!before) return 'published';
  if (before.contentHash === next.contentHash) return 'unchanged';
  if (!opts.force) throw conflict(before, next);
  return 'replaced';
}

/**
 * Stores the issue. Same content again → `unchanged` (the stored one is kept). Different
 * content → UserError naming what changed, unless `force`. Also lists the issue in
 * keys.archiveIndex() (score: first publish time) for the web archive.
 */
export async function publishIssue(redis: Redis, k: Keys, next: PublishedIssue, opts: { force?: boolean } = {}): Promise<PublishResult> {
  const key = k.rendered(next.issueId);
  const score = Date.parse(next.publishedAt);
  if ((await redis.set(key, JSON.stringify(next), 'NX')) === 'OK') {
    await redis.zadd(k.archiveIndex(), 'NX', score, next.issueId);
    return { published: next, outcome: 'published' };
  }
  const before = await readPublished(redis, k, next.issueId);
  if (before && before.contentHash === next.contentHash) {
    await redis.zadd(k.archiveIndex(), 'NX', score, next.issueId);
    return { published: before, outcome: 'unchanged' };
  }
  if (before && !opts.force) throw conflict(before, next);
  await redis.set(key, JSON.stringify(next));
  await redis.zadd(k.archiveIndex(), 'NX', score, next.issueId);
  return { published: next, outcome: before ? 'replaced' : 'published' };
}
