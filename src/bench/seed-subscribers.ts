// N active subscribers of one list, created through the store's own batch create (pipelined
// scripts, a few in flight at once), as an import with --confirmed would make them.
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';

const BATCH = 1_000;
const IN_FLIGHT = 4;

export async function seedSubscribers(store: RedisSubscriberStore, listId: string, count: number, onProgress?: (done: number) => void): Promise<void> {
  const at = new Date().toISOString();
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + BATCH);
      const batch = Array.from({ length: next - start }, (_, i) => ({
        email: `reader-${start + i + 1}@bench.example`,
        name: `Reader ${start + i + 1}`,
        lists: [listId],
        status: 'active' as const,
        consent: { at, textVersion: 'bench', source: 'import' as const },
      }));
      await store.createMany(batch);
      done += batch.length;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}
