// Made-up readers for `dev`, so a send has somebody to go to. Addresses use example.com
// (RFC 2606): they can never reach a real person, and in dev they only reach the capture inbox.
import type { Newsletter } from '../content/schema.ts';
import type { SubscriberStore } from '../subscribers/types.ts';

const ZH_NAMES = ['王芳', '李伟', '张敏', '刘洋', '陈静', '杨磊', '赵丽', '黄强', '周婷', '吴军'];
const EN_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];

/** Adds `count` active readers to each newsletter's list; idempotent (same addresses each run). */
export async function seedSampleSubscribers(store: SubscriberStore, newsletters: Newsletter[], count: number): Promise<number> {
  let added = 0;
  for (const newsletter of newsletters) {
    const names = newsletter.locale === 'zh-CN' ? ZH_NAMES : EN_NAMES;
    for (let i = 1; i <= count; i++) {
      const email = `reader${String(i).padStart(3, '0')}+${newsletter.listId}@example.com`;
      const { subscriber, created } = await store.create({
        email,
        // Every third reader has no name, to show the greeting's fallback.
        ...(i % 3 === 0 ? {} : { name: names[(i - 1) % names.length] }),
        locale: newsletter.locale,
        lists: [newsletter.listId],
        status: 'active',
        consent: { at: new Date().toISOString(), textVersion: 'dev-sample', source: 'api' },
      });
      if (created) added++;
      else if (subscriber.status === 'active' && !subscriber.lists.includes(newsletter.listId)) await store.addToList(subscriber.id, newsletter.listId);
    }
  }
  return added;
}
