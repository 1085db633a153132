// Subscribe and confirm over HTTP against real Redis, the real transactional worker and an SMTP
// sink: the confirmation email arrives, its link confirms, and the answers reveal nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmByClick,
  confirmPathFrom,
  formBody,
  nextIp,
  startHttpHarness,
  waitForMail,
  waitForTransactionalIdle,
  type HttpHarness,
} from './http-harness.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let h: HttpHarness;

beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

function subscribe(fields: Record<string, string>, ip = nextIp()) {
  return h.app.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { ...FORM, 'user-agent': 'vitest-browser/1.0' },
    payload: formBody(fields),
    remoteAddress: ip,
  });
}

describe('GET /subscribe', () => {
  it('serves an accessible form in the newsletter locale with strict security headers', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/subscribe?newsletter=${h.zh.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('<label for="email">');
    expect(res.body).toMatch(/<input id="email" name="email" type="email"[^>]*autocomplete="email"/);
    expect(res.body).toContain(`<input type="hidden" name="newsletter" value="${h.zh.id}">`);
    // The other newsletters are a link away, in their own language.
    expect(res.body).toContain(`<a href="/subscribe?newsletter=${h.en.id}" lang="en">`);
    expect(res.body).not.toContain('<script');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('defaults to DEFAULT_NEWSLETTER (the Chinese weekly) and speaks English for an en newsletter', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/subscribe?newsletter=${h.en.id}` });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain(`Subscribe to ${h.en.name}`);
    const plain = await h.app.inject({ method: 'GET', url: '/subscribe' });
    expect(plain.body).toContain(`<input type="hidden" name="newsletter" value="${h.zh.id}">`);
    expect(plain.body).toContain('<html lang="zh-CN">');
  });
});

describe('double opt-in', () => {
  it('greets "Ada" by name, and falls back to the plain greeting for a name that carries a link or markup', async () => {
    await subscribe({ email: 'ada.lovelace@example.org', name: 'Ada', newsletter: h.en.id });
    const [ada] = await waitForMail(h, 'ada.lovelace@example.org');
    expect(ada!.text).toContain('Hi Ada,');
    for (const [email, name] of [
      ['spam1@example.org', 'Win money at evil.example now'],
      ['spam2@example.org', 'http://evil.example'],
      ['spam3@example.org', 'x'.repeat(60)],
    ] as const) {
      await subscribe({ email, name, newsletter: h.en.id });
      const [mail] = await waitForMail(h, email);
      expect(mail!.text).toContain('Hi reader,');
      expect(mail!.text).not.toContain('evil.example');
    }
    await subscribe({ email: 'tag@example.org', name: '<b>Bo</b>', newsletter: h.en.id });
    const [tag] = await waitForMail(h, 'tag@example.org');
    expect(String(tag!.html)).not.toContain('<b>Bo</b>');
  });

  it('subscribe → confirmation email → link → active, with the consent recorded', async () => {
    const email = 'ada@example.org';
    const res = await subscribe({ email, name: '艾达', newsletter: h.zh.id });
    expect(res.statusCode).toBe(202);
    expect(res.body).toContain('请查收确认邮件');
    expect((await h.store.findByEmail(email))?.status).toBe('pending');

    const [mail] = await waitForMail(h, email);
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toContain(email);
    expect(mail!.text).toContain(`${h.config.publicUrl}/confirm/`);
    // Greeted by the name the form gave (escaped, one line; link-like names are not used, below).
    expect(mail!.text).toContain('艾达，你好！');
    expect(String(mail!.html)).toContain('艾达，你好！');
    const path = confirmPathFrom(mail!, h.config.publicUrl);

    const confirmed = await confirmByClick(h.app, path);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('订阅成功');
    const sub = await h.store.findByEmail(email);
    expect(sub?.status).toBe('active');
    expect(sub?.lists).toContain(h.zh.listId);
    expect(await h.store.isActiveIn(sub!.id, h.zh.listId)).toBe(true);
    expect(sub?.consent).toMatchObject({ source: 'form', userAgent: 'vitest-browser/1.0' });
    expect(sub?.consent?.ip).toMatch(/^10\.1\./);
    expect(sub?.consent?.textVersion).toMatch(/^form-v1-zh-CN-[0-9a-f]{10}$/);
    expect(sub?.consent?.confirmedAt).toBeTruthy();

    // A second click (or a mail scanner's earlier one) is harmless and still says "subscribed".
    const again = await confirmByClick(h.app, path);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('订阅成功');

    // Then a welcome, by name, with the archive and a working unsubscribe link, sent once.
    const [, welcome] = await waitForMail(h, email, 2);
    expect(welcome!.subject).toBe('欢迎订阅《预训练周刊》');
    expect(welcome!.text).toContain('艾达，你好！');
    expect(welcome!.text).toContain(`${h.config.publicUrl}/issues?newsletter=${h.zh.id}`);
    const raw = h.sink.messages.filter((m) => m.to.includes(email)).map((m) => m.raw.toString('latin1'))[1]!;
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    const unsubscribe = /\/unsubscribe\/[A-Za-z0-9._~-]+/.exec(String(welcome!.html))![0];
    expect((await h.app.inject({ method: 'GET', url: unsubscribe })).statusCode).toBe(200);
    // The job is keyed by (subscriber, list), so the second click could not queue another.
    expect(await h.transactionalQueue.getJob(`welcome-${sub!.id}-${h.zh.listId}`)).toBeTruthy();
  });

  it('gives the same answer for a new, pending, active and unsubscribed address', async () => {
    const list = h.en.listId;
    const pending = (await h.store.create({ email: 'pending@example.org', lists: [], status: 'pending' })).subscriber;
    await h.store.create({ email: 'active@example.org', lists: [list], status: 'active' });
    const gone = (await h.store.create({ email: 'gone@example.org', lists: [list], status: 'active' })).subscriber;
    await h.store.removeFromList(gone.id, list);
    expect((await h.store.get(gone.id))?.status).toBe('unsubscribed');

    const addresses = ['new@example.org', 'pending@example.org', 'active@example.org', 'gone@example.org'];
    const forms = await Promise.all(addresses.map((email) => subscribe({ email, newsletter: h.en.id })));
    for (const r of forms) {
      expect(r.statusCode).toBe(202);
      expect(r.body).toBe(forms[0]!.body);
    }
    const jsons = await Promise.all(
      addresses.map((email) =>
        h.app.inject({
          method: 'POST',
          url: '/subscribe',
          headers: { 'content-type': 'application/json' },
          payload: { email, newsletter: h.en.id },
          remoteAddress: nextIp(),
        }),
      ),
    );
    for (const r of jsons) {
      expect(r.statusCode).toBe(202);
      expect(r.body).toBe(jsons[0]!.body);
      expect(r.json()).toMatchObject({ ok: true });
    }
    // Mail went to those who still need to confirm, never to the active subscriber.
    await waitForMail(h, 'new@example.org');
    await waitForMail(h, 'pending@example.org');
    await waitForMail(h, 'gone@example.org');
    await waitForTransactionalIdle(h);
    expect(await h.mailTo('active@example.org')).toHaveLength(0);
    // The second (JSON) request within the resend window sent no second mail.
    expect(await h.mailTo('new@example.org')).toHaveLength(1);
    expect((await h.store.get(pending.id))?.status).toBe('pending');
  });

  it('does the same work for an active or bounced address as for a new one; mails the active none, the bounced one a new confirmation only', async () => {
    const list = h.en.listId;
    const active = (await h.store.create({ email: 'still-active@example.org', lists: [list], status: 'active' })).subscriber;
    const bounced = (await h.store.create({ email: 'bounced@example.org', lists: [], status: 'bounced' })).subscriber;
    const tokens = async () => (await h.redis.keys(`${h.keys.prefix}:confirm:*`)).length;
    const before = await tokens();

    for (const email of ['still-active@example.org', 'bounced@example.org', 'fresh@example.org']) {
      expect((await subscribe({ email, newsletter: h.en.id })).statusCode).toBe(202);
    }
    // Same round trips for each (throttle, token, job), so timing does not tell them apart…
    expect(await h.redis.exists(h.keys.confirmThrottle(active.id, list))).toBe(1);
    expect(await h.redis.exists(h.keys.confirmThrottle(bounced.id, list))).toBe(1);
    expect(await tokens()).toBe(before + 3);
    // …and the worker, not the request, decides who gets mail: never the active subscriber; the
    // bounced address its new confirmation (its one way back, issue #32), and it stays bounced until clicked.
    await waitForMail(h, 'fresh@example.org');
    await waitForMail(h, 'bounced@example.org');
    await waitForTransactionalIdle(h);
    expect(await h.mailTo('still-active@example.org')).toHaveLength(0);
    expect(await h.mailTo('bounced@example.org')).toHaveLength(1);
    expect((await h.store.get(active.id))?.status).toBe('active');
    expect((await h.store.get(bounced.id))?.status).toBe('bounced');
  });

  it('ignores a filled honeypot but answers the same', async () => {
    const normal = await subscribe({ email: 'person@example.org', newsletter: h.en.id });
    const bot = await subscribe({ email: 'bot@example.org', newsletter: h.en.id, website: 'http://spam.example' });
    expect(bot.statusCode).toBe(202);
    expect(bot.body).toBe(normal.body);
    expect(await h.store.findByEmail('bot@example.org')).toBeNull();
  });

  it('keeps a header-injection attempt in the name out of the mail headers', async () => {
    const email = 'victim@example.org';
    const res = await subscribe({ email, name: 'x\r\nBcc: evil@x.example', newsletter: h.en.id });
    expect(res.statusCode).toBe(202);
    const stored = await h.store.findByEmail(email);
    expect(stored?.name).not.toMatch(/[\r\n]/);
    await waitForMail(h, email);
    const raw = h.sink.messages.find((m) => m.to.includes(email))!;
    expect(raw.to).toEqual([email]);
    const headers = raw.raw.toString('utf8').split(/\r?\n\r?\n/)[0]!;
    expect(headers).not.toMatch(/^bcc:/im);
    expect(headers).not.toContain('evil@x.example');
    expect(h.sink.messages.some((m) => m.to.some((to) => to.includes('evil')))).toBe(false);
  });
});

describe('bad input is a clear 4xx, never a 5xx', () => {
  it('re-shows the form with the problem for an invalid address', async () => {
    const res = await subscribe({ email: 'not-an-address', newsletter: h.en.id });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('value="not-an-address"');
  });

  it('escapes what it echoes back into the form', async () => {
    const res = await subscribe({ email: '"><script>alert(1)</script>', name: '<img src=x onerror=alert(1)>', newsletter: h.en.id });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('rejects a line break in the address', async () => {
    const res = await subscribe({ email: 'a@example.org\r\nBcc: evil@x.example', newsletter: h.en.id });
    expect(res.statusCode).toBe(400);
    expect(await h.store.findByEmail('a@example.org')).toBeNull();
  });

  it('answers JSON errors for JSON requests', async () => {
    const broken = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
      remoteAddress: nextIp(),
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ statusCode: 400 });
    const missing = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/json' },
      payload: { name: 'x' },
      remoteAddress: nextIp(),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain('email');
    const wrongType = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/json' },
      payload: { email: 42 },
      remoteAddress: nextIp(),
    });
    expect(wrongType.statusCode).toBe(400);
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/json' },
      payload: { email: 'u@example.org', newsletter: 'nope' },
      remoteAddress: nextIp(),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('nope');
  });

  it('answers a missing field, a repeated field, a huge body and an unknown type with 4xx', async () => {
    expect((await subscribe({ newsletter: h.en.id })).statusCode).toBe(400);
    const repeated = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: FORM,
      payload: 'email=a%40example.org&email=b%40example.org',
      remoteAddress: nextIp(),
    });
    expect(repeated.statusCode).toBe(400);
    const huge = await h.app.inject({ method: 'POST', url: '/subscribe', headers: FORM, payload: `email=${'a'.repeat(40_000)}`, remoteAddress: nextIp() });
    expect(huge.statusCode).toBe(413);
    const xml = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/xml' },
      payload: '<email/>',
      remoteAddress: nextIp(),
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.body).toContain('<html');
    const unknownPage = await h.app.inject({ method: 'GET', url: '/nowhere' });
    expect(unknownPage.statusCode).toBe(404);
    expect(unknownPage.body).toContain('<html');
  });
});

describe('rate limit', () => {
  it('answers 429 after the per-IP limit, with a page', async () => {
    const ip = nextIp();
    const limit = h.config.subscribeRateLimitPerMinute;
    for (let i = 0; i < limit; i++) expect((await subscribe({ email: `rl${i}@example.org`, newsletter: h.en.id }, ip)).statusCode).toBe(202);
    const over = await subscribe({ email: 'rl-over@example.org', newsletter: h.en.id }, ip);
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    expect(over.body).toContain('<html');
    expect(await h.store.findByEmail('rl-over@example.org')).toBeNull();
    // Another address is not affected.
    expect((await subscribe({ email: 'rl-other@example.org', newsletter: h.en.id })).statusCode).toBe(202);
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  it('records the client address from X-Forwarded-For', async () => {
    const proxied = await startHttpHarness({ env: { TRUST_PROXY: '127.0.0.1' } });
    try {
      const res = await proxied.app.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { ...FORM, 'x-forwarded-for': '203.0.113.9' },
        payload: formBody({ email: 'proxied@example.org', newsletter: proxied.en.id }),
        remoteAddress: '127.0.0.1',
      });
      expect(res.statusCode).toBe(202);
      expect((await proxied.store.findByEmail('proxied@example.org'))?.consent?.ip).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });
});

describe('link scanners', () => {
  it('a scanner’s GET and HEAD of the confirmation link leave the address pending; the person’s click confirms', async () => {
    const email = 'scanned@example.org';
    await subscribe({ email, newsletter: h.en.id });
    const [mail] = await waitForMail(h, email);
    const path = confirmPathFrom(mail!, h.config.publicUrl);
    const scanner = { 'user-agent': 'Mozilla/5.0 (compatible; Microsoft Defender SafeLinks)' };
    for (let i = 0; i < 3; i++) {
      const got = await h.app.inject({ method: 'GET', url: path, headers: scanner });
      expect(got.statusCode).toBe(200);
      expect(got.body).toContain(`<form method="post" action="${path}">`);
      expect((await h.app.inject({ method: 'HEAD', url: path, headers: scanner })).statusCode).toBe(200);
    }
    expect((await h.store.findByEmail(email))?.status).toBe('pending');
    const clicked = await h.app.inject({ method: 'POST', url: path });
    expect(clicked.statusCode).toBe(303);
    expect(clicked.headers.location).toBe(path);
    expect((await h.store.findByEmail(email))?.status).toBe('active');
    const after = await h.app.inject({ method: 'GET', url: path });
    expect(after.body).toContain('You are subscribed');
  });
});

describe('GET /confirm/:token', () => {
  it('explains forged, malformed and expired links with a 4xx page linking to /subscribe', async () => {
    const forged = await h.app.inject({ method: 'GET', url: '/confirm/AAAAAAAAAAAAAAAAAAAAAA' });
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain('href="/subscribe');
    const malformed = await h.app.inject({ method: 'GET', url: `/confirm/${'%3Cscript%3E'.repeat(5)}` });
    expect(malformed.statusCode).toBeGreaterThanOrEqual(400);
    expect(malformed.statusCode).toBeLessThan(500);
    expect(malformed.body).not.toContain('<script>');

    const email = 'late@example.org';
    await subscribe({ email, newsletter: h.en.id });
    const [mail] = await waitForMail(h, email);
    const path = confirmPathFrom(mail!, h.config.publicUrl);
    // Expire it the way Redis would: the stored hash disappears.
    const stored = await h.redis.keys(`${h.keys.prefix}:confirm:*`);
    expect(stored.length).toBeGreaterThan(0);
    await h.redis.del(...stored);
    const expired = await confirmByClick(h.app, path);
    expect(expired.statusCode).toBe(404);
    expect((await h.store.findByEmail(email))?.status).toBe('pending');
    // The page offers a fresh link: its own subscribe form mails one (an expired token no longer
    // names its newsletter, so the form is for the browser's language's newsletter).
    expect(expired.body).toContain('<form method="post" action="/subscribe"');
    expect(expired.body).toMatch(/<input type="hidden" name="newsletter" value="[a-z0-9-]+">/);
    // Hours later in real life: the resend throttle of the first mail is long over.
    const pending = (await h.store.findByEmail(email))!;
    await h.redis.del(h.keys.confirmThrottle(pending.id, h.en.listId));
    const again = await subscribe({ email, newsletter: h.en.id });
    expect(again.statusCode).toBe(202);
    const [, fresh] = await waitForMail(h, email, 2);
    expect(confirmPathFrom(fresh!, h.config.publicUrl)).not.toBe(path);
    expect((await confirmByClick(h.app, confirmPathFrom(fresh!, h.config.publicUrl))).statusCode).toBe(200);
  });
});
