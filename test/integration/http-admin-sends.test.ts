// The admin API starts sends with the same use cases as the CLI: publish and send (202, then
// 409 while it runs and once it is done, changing nothing), schedule, a test send to given
// addresses only, lint errors as 422 with their findings, unknown issues 404, and the list of
// recent sends. No worker runs here: what is checked is what the API writes and answers.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let emails: string;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nl-admin-sends-'));
  emails = join(dir, 'emails');
  await cp('emails', emails, { recursive: true });
  await cp('test/fixtures/content/emails/newsletters/fixture-weekly.yaml', join(emails, 'newsletters', 'fixture-weekly.yaml'));
  await cp('test/fixtures/content/emails/issues/lint-errors.yaml', join(emails, 'issues', 'lint-errors.yaml'));
  h = await startHttpHarness({ env: { EMAILS_DIR: emails } });
});
afterAll(async () => {
  await h?.close();
  if (emails) await rm(join(emails, '..'), { recursive: true, force: true });
});

const post = (url: string, payload: unknown = {}) => h.app.inject({ method: 'POST', url, headers: auth, payload: payload as object });

describe('POST /api/campaigns/:issueId/send', () => {
  it('publishes and starts the send to the list; a second one is refused while it runs', async () => {
    await h.store.createMany([1, 2, 3].map((i) => ({ email: `api-send-${i}@example.org`, lists: [h.en.listId], status: 'active' as const })));
    const res = await post('/api/campaigns/field-notes-012/send');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ issueId: 'field-notes-012', campaignId: 'field-notes-012', state: 'sending', expected: 3, publish: 'published' });

    const status = await h.app.inject({ method: 'GET', url: '/api/campaigns/field-notes-012', headers: auth });
    expect(status.json()).toMatchObject({ issueId: 'field-notes-012', state: 'sending', total: 3 });

    const again = await post('/api/campaigns/field-notes-012/send');
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already sending/);

    const list = await h.app.inject({ method: 'GET', url: '/api/campaigns', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().sends.map((s: { issueId: string }) => s.issueId)).toContain('field-notes-012');

    const cancelled = await post('/api/campaigns/field-notes-012/cancel');
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', total: 3, skipped: 3 });
  });

  it('schedules with `at`, and rejects an `at` that is not a time', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await post('/api/campaigns/pretrain-weekly-064/send', { at });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ state: 'scheduled', scheduledAt: at });
    await post('/api/campaigns/pretrain-weekly-064/cancel');

    const bad = await post('/api/campaigns/pretrain-weekly-064/send', { at: 'next tuesday' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().message).toMatch(/--at|time|date/i);
  });

  it('answers 422 with the lint findings, 404 for an issue with no file, 400 for unknown fields', async () => {
    const lint = await post('/api/campaigns/lint-errors/send');
    expect(lint.statusCode).toBe(422);
    const body = lint.json();
    expect(body.message).toMatch(/2 lint errors/);
    expect(body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ level: 'error', line: 7, path: 'banner[0].alt' })]));
    expect((await h.app.inject({ method: 'GET', url: '/api/campaigns/lint-errors', headers: auth })).statusCode).toBe(404);

    const missing = await post('/api/campaigns/no-such-issue-9/send');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/no issue file issues\/no-such-issue-9\.yaml/);
    expect(missing.json().message).not.toContain(emails); // no server paths in answers

    const extra = await post('/api/campaigns/field-notes-012/send', { everyone: true });
    expect(extra.statusCode).toBe(400);
  });

  it('needs the token', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/campaigns/field-notes-012/send', payload: {} });
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /api/campaigns', () => {
  it('starts or schedules a send of the issue id in the body, as /:issueId/send does', async () => {
    const at = new Date(Date.now() + 7_200_000).toISOString();
    const res = await post('/api/campaigns', { issueId: 'pretrain-weekly-064', at });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ issueId: 'pretrain-weekly-064', state: 'scheduled', scheduledAt: at });
    expect((await post('/api/campaigns', { issueId: 'pretrain-weekly-064' })).statusCode).toBe(409);
    await post('/api/campaigns/pretrain-weekly-064/cancel');
    expect((await post('/api/campaigns', {})).statusCode).toBe(400);
    expect((await post('/api/campaigns', { issueId: '../etc' })).statusCode).toBe(400);
    expect((await post('/api/campaigns', { issueId: 'no-such-issue' })).statusCode).toBe(404);
  });
});

describe('POST /api/campaigns/:issueId/test-send', () => {
  it('starts a test send of its own to the given addresses only', async () => {
    const res = await post('/api/campaigns/field-notes-012/test-send', { to: ['Editor@Example.org', 'second@example.org'] });
    expect(res.statusCode, res.body).toBe(202);
    const started = res.json();
    expect(started.campaignId).toMatch(/^field-notes-012~test-/);
    expect(started).toMatchObject({ expected: 2, state: 'sending' });
    const status = await h.app.inject({ method: 'GET', url: `/api/campaigns/${started.campaignId}`, headers: auth });
    expect(status.json()).toMatchObject({ total: 2 });
  });

  it('names every address that is not one, and sends nothing', async () => {
    const res = await post('/api/campaigns/field-notes-012/test-send', { to: ['ok@example.org', 'not an address', '=?utf-8?q?x?=@example.org'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain('"not an address"');
    expect(res.json().message).toContain('=?utf-8?q?x?=@example.org');
    const empty = await post('/api/campaigns/field-notes-012/test-send', { to: [] });
    expect(empty.statusCode).toBe(422);
  });
});
