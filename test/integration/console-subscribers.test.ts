// The console's subscribers page through Fastify inject on real Redis: counts, find by address,
// add (confirmed, or by double opt-in with a real confirmation mail), remove, CSV export, and
// the two-step CSV import (multipart upload, preview, import); every POST needs its CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { parse } from 'csv-parse/sync';
import { waitUntil } from '../helpers/wait.ts';
import { ADMIN_TOKEN, confirmByClick, confirmPathFrom, startHttpHarness, waitForMail, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let browser: ConsoleClient;

beforeAll(async () => {
  h = await startHttpHarness();
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
});

function multipart(fields: Record<string, string>, file?: { name: string; content: string }) {
  const boundary = 'consoletestboundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file)
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(fields: Record<string, string>, file?: { name: string; content: string }) {
  const { payload, type } = multipart(fields, file);
  return h.app.inject({
    method: 'POST',
    url: '/admin/subscribers/import',
    headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': type },
    payload,
  });
}

describe('subscribers page', () => {
  it('adds a confirmed subscriber, counts them, finds them by address, and erases them only after asking', async () => {
    await browser.get('/admin/subscribers');
    const added = await browser.submit('/admin/subscribers/add', { email: 'ann@subs.example', name: 'Ann', list: h.en.listId, confirmed: 'yes' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('ann@subs.example is an active subscriber.');
    expect(added.body).toContain(`data-count="${h.en.listId}-active">1<`);
    const id = (await h.store.findByEmail('ann@subs.example'))!.id;
    const found = await browser.get('/admin/subscribers?q=ann@subs.example');
    expect(found.body).toContain(
      `<td><a href="/admin/subscribers/${id}" aria-label="Open ann@subs.example">ann@subs.example</a></td><td>Ann</td><td>active</td>`,
    );
    // The row has no one-click removal: its page asks first.
    expect(found.body).not.toContain('/remove"');
    const page = await browser.get(`/admin/subscribers/${id}`);
    expect(page.body).toContain('<h1>ann@subs.example</h1>');
    expect(page.body).toContain(`href="/admin/subscribers/${id}/delete"`);
    const ask = await browser.get(`/admin/subscribers/${id}/delete`);
    expect(ask.body).toContain('Erase ann@subs.example?');
    expect(await h.store.findByEmail('ann@subs.example')).not.toBeNull();
    expect((await browser.post(`/admin/subscribers/${id}/delete`, { _csrf: null })).statusCode).toBe(403);
    const erased = await browser.submit(`/admin/subscribers/${id}/delete`);
    expect(erased.posted.headers.location).toBe('/admin/subscribers');
    expect(erased.body).toContain('ann@subs.example was erased; only a hash of the address is kept.');
    expect(await h.store.findByEmail('ann@subs.example')).toBeNull();
    expect(await h.store.isForgotten('ann@subs.example')).toBe(true);
    expect((await browser.get('/admin/subscribers?q=ann@subs.example')).body).toContain('No subscriber matches.');
  });

  it('the subscriber page: record, consent, lists, history; unsubscribes from one list after asking and keeps the record; edits name and language', async () => {
    const consent = { at: '2025-04-01T08:00:00.000Z', ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (Page)', textVersion: 'console-v1', source: 'api' as const };
    const { subscriber } = await h.store.create({ email: 'page@subs.example', name: 'Pia', lists: [h.en.listId, h.zh.listId], status: 'active', consent });
    const page = await browser.get(`/admin/subscribers/${subscriber.id}`);
    expect(page.body).toContain('198.51.100.23');
    expect(page.body).toContain('Mozilla/5.0 (Page)');
    expect(page.body).toContain(`/admin/subscribers/${subscriber.id}/leave?list=${h.en.listId}`);
    expect(page.body).toContain('No recent send had a message for them.');
    const ask = await browser.get(`/admin/subscribers/${subscriber.id}/leave?list=${h.en.listId}`);
    expect(ask.body).toContain(`Unsubscribe page@subs.example from ${h.en.listId}?`);
    expect(await h.store.isActiveIn(subscriber.id, h.en.listId)).toBe(true);
    const left = await browser.submit(`/admin/subscribers/${subscriber.id}/leave`, { list: h.en.listId });
    expect(left.body).toContain(`page@subs.example is unsubscribed from ${h.en.listId}.`);
    const after = (await h.store.get(subscriber.id))!;
    expect(after).toMatchObject({ lists: [h.zh.listId], left: [h.en.listId], status: 'active', consent });
    // The consent history: the grant it was added with, then the withdrawal the console made, with its list.
    const history = /<table data-consent-history>[\s\S]*?<\/table>/.exec(left.body)?.[0] ?? '';
    expect(history).toContain('<td>added with consent</td><td></td><td>admin API</td><td>198.51.100.23</td><td>Mozilla/5.0 (Page)</td><td>console-v1</td>');
    expect(history).toContain(`<td>left</td><td>${h.en.listId}</td><td>console</td>`);
    const edited = await browser.submit(`/admin/subscribers/${subscriber.id}/edit`, { name: 'Pia P.', locale: 'de' });
    expect(edited.body).toContain('Saved the name and language of page@subs.example.');
    expect(await h.store.get(subscriber.id)).toMatchObject({ name: 'Pia P.', locale: 'de' });
    expect((await browser.get('/admin/subscribers/99999999')).statusCode).toBe(404);
  });

  it('adds without "confirmed" by sending the double opt-in mail', async () => {
    await browser.get('/admin/subscribers');
    const res = await browser.submit('/admin/subscribers/add', { email: 'bob@subs.example', list: h.en.listId });
    expect(res.body).toContain('A confirmation mail is on its way to bob@subs.example');
    const [mail] = await waitForMail(h, 'bob@subs.example');
    expect(mail!.text).toContain('/confirm/');
    expect((await h.store.findByEmail('bob@subs.example'))!.status).toBe('pending');
  });

  it('refuses a bad address (shown once after the redirect) and an unknown list with a 400 in the console frame', async () => {
    await browser.get('/admin/subscribers');
    const bad = await browser.submit('/admin/subscribers/add', { email: 'not an address', list: h.en.listId });
    expect(bad.body).toContain('notice error');
    expect((await browser.get('/admin/subscribers')).body).not.toContain('notice error');
    await browser.get('/admin/subscribers');
    const list = await browser.post('/admin/subscribers/add', { email: 'c@subs.example', list: 'no-such-list' });
    expect(list.statusCode).toBe(400);
    expect(list.body).toContain('no list &quot;no-such-list&quot;');
  });

  it('imports a CSV in two steps: upload and preview (nothing written), then a background import with its progress page', async () => {
    await browser.get('/admin/subscribers');
    const csv = ['email,name', ...Array.from({ length: 8 }, (_, i) => `csv-${i + 1}@subs.example,Csv ${i + 1}`), 'broken-address,Nobody'].join('\n');
    expect((await upload({ list: h.en.listId, confirmed: 'yes' }, { name: 'list.csv', content: csv })).statusCode).toBe(403);
    const uploaded = await upload({ _csrf: browser.lastCsrf, list: h.en.listId, confirmed: 'yes' }, { name: 'list.csv', content: csv });
    expect(uploaded.statusCode).toBe(303);
    const preview = await browser.get(String(uploaded.headers.location));
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain(`The rows go to the list ${h.en.listId}, as active: &quot;they already agreed&quot; is ticked`);
    expect(preview.body).toContain('list.csv (1 KB): the first rows');
    expect(preview.body).toContain('<td>csv-5@subs.example</td>');
    expect(preview.body).not.toContain('<td>csv-6@subs.example</td>');
    expect(await h.store.findByEmail('csv-1@subs.example')).toBeNull();
    const uploadId = /name="upload" value="([^"]+)"/.exec(preview.body)![1]!;
    const started = await browser.submit('/admin/subscribers/import/confirm', { upload: uploadId });
    expect(started.posted.headers.location).toMatch(/^\/admin\/subscribers\/import\/jobs\/[A-Za-z0-9_-]{22}$/);
    const jobPage = String(started.posted.headers.location);
    let page: { body: string } = started;
    await waitUntil('the import to finish', async () => {
      page = await browser.get(jobPage);
      return page.body.includes('data-import-job="done"');
    });
    expect(page.body).toContain('Imported 8, updated 0, skipped 0, 1 error.');
    expect(page.body).toContain('list.csv:10:');
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect((await h.store.findByEmail('csv-8@subs.example'))!.status).toBe('active');
    // The upload is used once.
    await browser.get('/admin/subscribers');
    expect((await browser.submit('/admin/subscribers/import/confirm', { upload: uploadId })).body).toContain('That upload has expired');
  });

  it('imports a file past the old 5 MB limit, streamed, and answers a malformed upload with a 4xx, never a 5xx', async () => {
    await browser.get('/admin/subscribers');
    const cut = await h.app.inject({
      method: 'POST',
      url: '/admin/subscribers/import',
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'multipart/form-data; boundary=zz' },
      payload: '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nemail\r\nx@y.z',
    });
    expect(cut.statusCode).toBeGreaterThanOrEqual(400);
    expect(cut.statusCode).toBeLessThan(500);
    const noBoundary = await h.app.inject({
      method: 'POST',
      url: '/admin/subscribers/import',
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'multipart/form-data' },
      payload: 'x',
    });
    expect(noBoundary.statusCode).toBe(400);
    // 22,000 rows with long CJK names (3 bytes a character): about 6.5 MB in few rows, so the
    // later exports of this list stay quick.
    const rows = Array.from({ length: 22_000 }, (_, i) => `big-${i}@bulk-import.example,读者${i}${'预训练周刊读者'.repeat(12)}`);
    const big = await upload({ _csrf: browser.lastCsrf, list: h.en.listId, confirmed: 'yes' }, { name: 'big.csv', content: `email,name\n${rows.join('\n')}` });
    expect(big.statusCode).toBe(303);
    const preview = await browser.get(String(big.headers.location));
    expect(preview.body).toMatch(/big\.csv \(\d\.\d MB\): the first rows/);
    const uploadId = /name="upload" value="([^"]+)"/.exec(preview.body)![1]!;
    const started = await browser.submit('/admin/subscribers/import/confirm', { upload: uploadId });
    const jobPage = String(started.posted.headers.location);
    let page: { body: string } = started;
    await waitUntil(
      'the big import to finish',
      async () => {
        page = await browser.get(jobPage);
        return page.body.includes('data-import-job="done"');
      },
      120_000,
    );
    expect(page.body).toContain('Imported 22,000, updated 0, skipped 0, 0 errors.');
    expect((await h.store.countMatching({ text: '@bulk-import', kind: 'auto' })).count).toBe(22_000);
  });

  it('exports the consent record of someone who subscribed on the form and confirmed: IP, user agent, the words, when', async () => {
    const form = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      remoteAddress: '198.51.100.23',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TestBrowser/1.0' },
      payload: `email=consent%40subs.example&newsletter=${h.en.id}`,
    });
    expect(form.statusCode).toBe(202);
    const [mail] = await waitForMail(h, 'consent@subs.example');
    expect((await confirmByClick(h.app, confirmPathFrom(mail!, h.config.publicUrl))).statusCode).toBe(200);
    const res = await browser.get(`/admin/subscribers/export.csv?list=${h.en.listId}`);
    const row = (parse(res.body, { columns: true }) as Record<string, string>[]).find((r) => r.email === 'consent@subs.example')!;
    expect(row).toMatchObject({ status: 'active', source: 'form', consent_ip: '198.51.100.23', consent_user_agent: 'TestBrowser/1.0' });
    expect(row.consent_text).toMatch(/^By subscribing I agree to receive Field Notes by email\./);
    expect(new Date(row.consented_at!).getTime()).toBeLessThanOrEqual(new Date(row.confirmed_at!).getTime());
  });

  it('exports the list as CSV with a header row', async () => {
    const res = await browser.get(`/admin/subscribers/export.csv?list=${h.en.listId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const [header, ...rows] = res.body.trim().split('\n');
    expect(header).toBe('email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at');
    expect(rows.some((r) => r.startsWith('csv-1@subs.example,Csv 1,'))).toBe(true);
  });
});

describe('search, filters and bulk actions', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const people = [
      ['Alice.Moss@search.example', 'Alice Moss', [h.en.listId], 'active'],
      ['alina@search.example', '王丽', [h.en.listId, h.zh.listId], 'active'],
      ['bob@other.example', 'Alina Berg', [h.zh.listId], 'active'],
      ['carl@search.example', 'Carl', [h.en.listId], 'pending'],
    ] as const;
    for (const [email, name, lists, status] of people) ids[email] = (await h.store.create({ email, name, lists: [...lists], status })).subscriber.id;
  });

  const emailsIn = (body: string) =>
    [...body.matchAll(/aria-label="Open ([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((e) => e.includes('search.example') || e.includes('other.example'))
      .sort();

  it('finds by the start of an address, a domain or a name, in any case, with a count', async () => {
    const ali = await browser.get('/admin/subscribers?q=ALI');
    expect(emailsIn(ali.body)).toEqual(['Alice.Moss@search.example', 'alina@search.example', 'bob@other.example']); // bob: his name is Alina
    expect(ali.body).toContain('data-match-count="3"');
    expect(ali.body).toContain('3 subscribers match.');
    expect(emailsIn((await browser.get('/admin/subscribers?q=ali&kind=local')).body)).toEqual(['Alice.Moss@search.example', 'alina@search.example']);
    expect(emailsIn((await browser.get('/admin/subscribers?q=%40search')).body)).toEqual([
      'Alice.Moss@search.example',
      'alina@search.example',
      'carl@search.example',
    ]);
    expect(emailsIn((await browser.get('/admin/subscribers?q=%E7%8E%8B&kind=name')).body)).toEqual(['alina@search.example']);
    expect(emailsIn((await browser.get('/admin/subscribers?q=ali%40sea')).body)).toEqual(['Alice.Moss@search.example', 'alina@search.example']);
  });

  it('filters by list and state, alone or with a search', async () => {
    expect(emailsIn((await browser.get(`/admin/subscribers?q=%40search&status=pending`)).body)).toEqual(['carl@search.example']);
    expect(emailsIn((await browser.get(`/admin/subscribers?q=al&list=${h.zh.listId}`)).body)).toEqual(['alina@search.example', 'bob@other.example']);
    const bad = await browser.get('/admin/subscribers?list=no-such-list');
    expect(bad.statusCode).toBe(400);
  });

  it('exports whoever a filter matches as CSV, from the link beside the count', async () => {
    const page = (await browser.get(`/admin/subscribers?q=ali&list=${h.zh.listId}`)).body;
    const href = /href="(\/admin\/subscribers\/export\.csv\?match=1&[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe(`/admin/subscribers/export.csv?match=1&q=ali&kind=auto&list=${h.zh.listId}&status=`);
    const res = await browser.get(href!);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${h.zh.listId}-matching-subscribers.csv"`);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email).sort()).toEqual(['alina@search.example', 'bob@other.example']);
    expect(rows.find((r) => r.email === 'bob@other.example')).toMatchObject({ name: 'Alina Berg', status: 'active', lists: h.zh.listId });
    // A state alone, over every list; a filter that matches nobody gives the header row only.
    const pending = parse((await browser.get('/admin/subscribers/export.csv?match=1&q=%40search&status=pending')).body, { columns: true }) as Record<
      string,
      string
    >[];
    expect(pending.map((r) => r.email)).toEqual(['carl@search.example']);
    expect((await browser.get('/admin/subscribers/export.csv?match=1&q=nobody-here')).body.trim()).toBe(
      'email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at',
    );
    expect((await browser.get('/admin/subscribers/export.csv?match=1&list=no-such-list')).statusCode).toBe(400);
  });

  it('unsubscribes everyone a filter matches from its list, after showing the count and asking', async () => {
    const link = (await browser.get(`/admin/subscribers?q=%40search&list=${h.en.listId}&status=active`)).body;
    expect(link).toContain('Unsubscribe all these from');
    const ask = await browser.get(`/admin/subscribers/bulk?action=unsubscribe&q=%40search&kind=auto&list=${h.en.listId}&status=active`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain(`Unsubscribe 2 subscribers from ${h.en.listId}?`);
    expect(await h.store.isActiveIn(ids['alina@search.example']!, h.en.listId)).toBe(true);
    expect(
      (await browser.post('/admin/subscribers/bulk', { action: 'unsubscribe', q: '@search', kind: 'auto', list: h.en.listId, status: 'active', _csrf: null }))
        .statusCode,
    ).toBe(403);
    const done = await browser.submit('/admin/subscribers/bulk', { action: 'unsubscribe', q: '@search', kind: 'auto', list: h.en.listId, status: 'active' });
    expect(done.body).toContain('Unsubscribed 2 subscribers.');
    expect(await h.store.isActiveIn(ids['alina@search.example']!, h.en.listId)).toBe(false);
    expect(await h.store.isActiveIn(ids['alina@search.example']!, h.zh.listId)).toBe(true);
    expect((await h.store.get(ids['Alice.Moss@search.example']!))?.left).toEqual([h.en.listId]);
    // The pending one was not in the filter (state active) and stays.
    expect((await h.store.get(ids['carl@search.example']!))?.lists).toEqual([h.en.listId]);
  });

  it('erases everyone a filter matches, after asking', async () => {
    const ask = await browser.get('/admin/subscribers/bulk?action=delete&q=carl&kind=local&list=&status=');
    expect(ask.body).toContain('Erase 1 subscriber?');
    const done = await browser.submit('/admin/subscribers/bulk', { action: 'delete', q: 'carl', kind: 'local', list: '', status: '' });
    expect(done.body).toContain('Erased 1 subscriber.');
    expect(await h.store.get(ids['carl@search.example']!)).toBeNull();
    expect(await h.store.isForgotten('carl@search.example')).toBe(true);
  });
});
