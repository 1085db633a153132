// The studio's feed reading and its address rule, without a network: RSS and Atom read to the
// same items (newest first, markup stripped, only http(s) links), a DOCTYPE refused, and every
// address that is not public unicast named for what it is.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FeedError, parseFeed } from '../../src/studio/feed-items.ts';
import { nonPublic } from '../../src/studio/public-fetch.ts';

const fixture = (name: string) => readFile(new URL(`../fixtures/feeds/${name}`, import.meta.url), 'utf8');

describe('parseFeed', () => {
  it('reads RSS 2.0: newest first, text without markup, only http(s) links', async () => {
    const items = parseFeed(await fixture('engineering.rss'), 'eng.example.org');
    expect(items.map((i) => i.url)).toEqual([
      'https://eng.example.org/posts/dead-letters',
      'https://eng.example.org/posts/idempotency-keys',
      'https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/',
    ]);
    expect(items[1]).toEqual({
      title: 'Idempotency keys, one year in',
      url: 'https://eng.example.org/posts/idempotency-keys',
      summary: 'What changed after we made every write carry a key.',
      published: Date.parse('2026-06-02T09:00:00Z'),
    });
  });

  it('reads Atom to the same items, the alternate link only', async () => {
    const items = parseFeed(await fixture('engineering.atom'), 'eng.example.org');
    expect(items.map((i) => [i.title, i.url, i.summary])).toEqual([
      ['Dead-letter queues that someone reads', 'https://eng.example.org/posts/dead-letters', 'A rota, an alert, and a weekly review.'],
      ['Idempotency keys, one year in', 'https://eng.example.org/posts/idempotency-keys', 'What changed after we made every write carry a key.'],
    ]);
  });

  it('refuses what is not a feed, and a DOCTYPE', () => {
    expect(() => parseFeed('<html><body>hi</body></html>', 'x.example')).toThrow(FeedError);
    expect(() => parseFeed('not xml at all <<<', 'x.example')).toThrow(/not an RSS or Atom feed/);
    expect(() => parseFeed('<!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel><item><title>&a;</title></item></channel></rss>', 'x.example')).toThrow(/DOCTYPE/);
    expect(parseFeed('<rss version="2.0"><channel><title>empty</title></channel></rss>', 'x.example')).toEqual([]);
  });

  it('cuts a long summary at a word, to a paragraph', () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const [item] = parseFeed(
      `<rss><channel><item><title>t</title><link>https://a.example/</link><description>${long}</description></item></channel></rss>`,
      'a',
    );
    expect(item!.summary!.length).toBeLessThanOrEqual(281);
    expect(item!.summary!.endsWith('…')).toBe(true);
    expect(item!.summary).toMatch(/^word0 word1 /);
  });
});

describe('nonPublic', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['192.168.0.10', 'private'],
    ['172.16.5.4', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['::1', 'loopback'],
    ['fc00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['224.0.0.1', 'multicast'],
  ])('refuses %s (%s)', (address, range) => {
    expect(nonPublic(address)).toBe(`a ${range} address`);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows %s', (address) => {
    expect(nonPublic(address)).toBeNull();
  });
});
