// An unsubscribe counts against the issue it came from (issue 29, and the subscriber history of
// issue 26): a real send puts `?issue=<id>` on every unsubscribe link and List-Unsubscribe
// header; the one-click POST to exactly that URL counts once on the issue's send, the consent
// history names the issue, and the console's subscriber page shows "unsubscribed" beside it. A
// link edited to name an issue the reader was never sent counts nowhere but still unsubscribes;
// a complaint about a message names its issue the same way.
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDelivery } from '../../src/use-cases/delivery-report.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const ADMIN_TOKEN = 'per-issue-admin-token-0123456789abcdef';
const ISSUE = 'pretrain-weekly-091';
let h: CampaignHarness;
let app: FastifyInstance;
let readers: Seeded[];
/** Each reader's https List-Unsubscribe URL, as their message carried it. */
const linkOf = new Map<string, URL>();

beforeAll(async () => {
  h = await startCampaignHarness();
  app = await h.openApp({ config: { ...h.config, adminToken: ADMIN_TOKEN } });
  readers = await h.seed(4, 'per-issue');
  await h.startWorker({}, 4);
  await h.send(await h.publish(ISSUE));
  await h.waitForState(ISSUE, ['done']);
  for (const m of h.sink.messages) {
    const list = (await simpleParser(m.raw)).headers.get('list') as unknown as { unsubscribe?: { url?: string } } | undefined;
    if (list?.unsubscribe?.url) linkOf.set(m.to[0]!, new URL(list.unsubscribe.url));
  }
  expect(linkOf.size).toBe(readers.length);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

function oneClick(url: string) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
}

const pathOf = (u: URL) => `${u.pathname}${u.search}`;

describe('unsubscribes attributed to their issue', () => {
  it('every message links its own issue, and a one-click POST there counts once on that issue', async () => {
    const [a] = readers;
    const link = linkOf.get(a!.email)!;
    expect(link.searchParams.get('issue')).toBe(ISSUE);
    for (let i = 0; i < 3; i++) expect((await oneClick(pathOf(link))).statusCode).toBe(200);
    expect((await h.status(ISSUE)).unsubscribes).toBe(1);
    const history = await h.store.consentHistory(a!.id);
    expect(history.at(-1)).toMatchObject({ type: 'withdrawn', source: 'one-click', listId: h.listId, issueId: ISSUE });
  });

  it('the page keeps the issue from GET to its button, and counts it', async () => {
    const b = readers[1]!;
    const link = linkOf.get(b.email)!;
    const page = await app.inject({ method: 'GET', url: pathOf(link) });
    expect(page.statusCode).toBe(200);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    expect(action).toBe(pathOf(link));
    const done = await app.inject({ method: 'POST', url: action!, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(done.statusCode).toBe(200);
    expect((await h.status(ISSUE)).unsubscribes).toBe(2);
  });

  it('a link edited to name another issue, or garbage, still unsubscribes but counts nowhere', async () => {
    const c = readers[2]!;
    const other = await h.publish('pretrain-weekly-092'); // published, never sent to c
    const link = linkOf.get(c.email)!;
    const edited = `${link.pathname}?issue=${other.issueId}`;
    expect((await oneClick(edited)).statusCode).toBe(200);
    expect((await h.store.get(c.id))?.status).toBe('unsubscribed');
    expect((await h.status(ISSUE)).unsubscribes).toBe(2);
    expect(await h.redis.hget(h.keys.campaign(other.issueId), 'unsubscribes')).toBeNull();
    expect((await h.store.consentHistory(c.id)).at(-1)?.issueId).toBeUndefined();
    for (const junk of ['?issue=', '?issue=%00%ff', `?issue=${'x'.repeat(500)}`, '?issue=a&issue=b'])
      expect((await oneClick(`${link.pathname}${junk}`)).statusCode).toBe(200);
  });

  it("the subscriber page shows which issue they left from, and a complaint's issue", async () => {
    const [a, , , d] = readers;
    await reportDelivery({ store: h.store, redis: h.redis, shards: h.sends.shards }, { type: 'complaint', subscriberId: d!.id, issueId: ISSUE });
    expect((await h.store.consentHistory(d!.id)).at(-1)).toMatchObject({ type: 'withdrawn', source: 'complaint', issueId: ISSUE });
    const console = new ConsoleClient(app);
    await console.login(ADMIN_TOKEN);
    const left = await console.get(`/admin/subscribers/${a!.id}`);
    expect(left.statusCode).toBe(200);
    expect(historyRow(left.body)).toMatch(/Unsubscribed/);
    const complained = await console.get(`/admin/subscribers/${d!.id}`);
    expect(historyRow(complained.body)).toMatch(/Complaint/);
  });
});

/** The history table's row for ISSUE, as text. */
function historyRow(page: string): string {
  const section = page.slice(page.indexOf('id="history"'));
  const row = section.split('<tr>').find((r) => r.includes(`>${ISSUE}<`)) ?? '';
  return row.replace(/<[^>]+>/g, ' ');
}
