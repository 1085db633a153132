// The report's counts by receiving domain (Ledger.countAtDomain), against real Redis: the domain
// is the address's, case-folded; a test send's counts expire as its other records do, a list
// send's stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TTL_SECONDS, testCampaignId } from '../../src/campaign/records/ids.ts';
import { Ledger } from '../../src/campaign/records/ledger.ts';
import { keys } from '../../src/redis/keys.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let ledger: Ledger;

beforeAll(async () => {
  t = await testRedis();
  ledger = new Ledger(t.redis, keys(t.prefix));
});
afterAll(async () => {
  await t?.cleanup();
});

describe('counts by receiving domain', () => {
  it('counts by the address domain, case-folded, and keeps a list send’s counts', async () => {
    await ledger.countAtDomain('pretrain-weekly-064', 'a@QQ.com', 'bounced');
    await ledger.countAtDomain('pretrain-weekly-064', 'b@qq.com', 'deferred');
    await ledger.countAtDomain('pretrain-weekly-064', 'c@163.com', 'failed');
    expect([...(await ledger.domainCounts('pretrain-weekly-064'))]).toEqual([
      ['qq.com', { bounced: 1, deferred: 1, failed: 0 }],
      ['163.com', { bounced: 0, deferred: 0, failed: 1 }],
    ]);
    expect(await t.redis.ttl(keys(t.prefix).ledgerDomains('pretrain-weekly-064'))).toBe(-1);
  });

  it('lets a test send’s counts expire with it', async () => {
    const id = testCampaignId('pretrain-weekly-064');
    await ledger.countAtDomain(id, 'x@gmail.com', 'bounced');
    const ttl = await t.redis.ttl(keys(t.prefix).ledgerDomains(id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TEST_TTL_SECONDS);
  });
});
