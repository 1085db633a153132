// Walks every key matching a pattern with SCAN (never KEYS), one page at a time. On a Redis
// Cluster SCAN answers for one node only, so each master is walked in turn; the page's node is
// handed along for commands that must go to the node holding the keys (MEMORY USAGE, UNLINK).
import { masters, type Redis } from './connection.ts';

export async function forEachKeyPage(redis: Redis, pattern: string, page: (keys: string[], node: Redis) => Promise<void>): Promise<void> {
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (found.length) await page(found, node);
    } while (cursor !== '0');
  }
}
