// The subscriber's preferences page through Fastify inject on real Redis: opened from the
// welcome mail's link (a real confirmation, a real welcome at the SMTP sink), it shows their
// newsletters; saving leaves one, asks to join another (a confirmation mail, whose link joins),
// changes name and language; "unsubscribe from all" leaves every list; a forged token answers 400
// and shows nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { confirmByClick, confirmPathFrom, formBody, startHttpHarness, waitForMail, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => h?.close());

const form = (url: string, fields: Array<[string, string]>) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

describe('GET/POST /preferences/:token', () => {
  it('is linked from the welcome mail and changes lists, name and language', async () => {
    const email = 'prefs@example.org';
    await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ email, name: 'Pat', newsletter: h.en.id }),
    });
    const [confirm] = await waitForMail(h, email);
    await confirmByClick(h.app, confirmPathFrom(confirm!, h.config.publicUrl));
    const [, welcome] = await waitForMail(h, email, 2);
    const link = new RegExp(`${h.config.publicUrl.replace(/[.]/g, '\\.')}(/preferences/[^"\\s\\]]+)`).exec(String(welcome!.html))![1]!;

    const page = await h.app.inject({ method: 'GET', url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<input type="checkbox" id="list-${h.en.listId}" name="lists" value="${h.en.listId}" checked>`);
    expect(page.body).toContain(`<input type="checkbox" id="list-${h.zh.listId}" name="lists" value="${h.zh.listId}">`);
    expect(page.body).toContain('value="Pat"');
    expect(page.body).not.toContain(email); // the address is shown masked only

    const saved = await form(link, [
      ['lists', h.zh.listId],
      ['name', 'Pat Lee'],
      ['locale', 'zh-CN'],
      ['action', 'save'],
    ]);
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain(`Saved. To join ${h.zh.name}, open the confirmation link we have just emailed you.`);
    // Asked for, not joined: ticked on the page and marked as waiting.
    expect(saved.body).toContain(`<input type="checkbox" id="list-${h.zh.listId}" name="lists" value="${h.zh.listId}" checked>`);
    expect(saved.body).toContain('data-awaiting');
    const after = (await h.store.findByEmail(email))!;
    expect(after).toMatchObject({ name: 'Pat Lee', locale: 'zh-CN', status: 'unsubscribed', requested: [h.zh.listId], left: [h.en.listId] });
    expect(await h.store.isActiveIn(after.id, h.zh.listId)).toBe(false);
    expect(await h.store.isActiveIn(after.id, h.en.listId)).toBe(false);
    // The zh confirmation mail's link joins it.
    const [, , join] = await waitForMail(h, email, 3);
    await confirmByClick(h.app, confirmPathFrom(join!, h.config.publicUrl));
    expect(await h.store.isActiveIn(after.id, h.zh.listId)).toBe(true);
    expect((await h.store.get(after.id))?.consent?.textVersion).toBe('preferences-v1');
    expect((await h.store.consentHistory(after.id)).map((e) => [e.type, e.source, e.listId])).toEqual([
      ['requested', 'form', h.en.listId],
      ['confirmed', 'form', h.en.listId],
      ['withdrawn', 'preferences', h.en.listId],
      ['requested', 'form', h.zh.listId],
      ['confirmed', 'form', h.zh.listId],
    ]);

    const left = await form(link, [['action', 'leave-all']]);
    expect(left.body).toContain('You are unsubscribed from every newsletter.');
    expect(await h.store.isActiveIn(after.id, h.zh.listId)).toBe(false);
  });

  it('answers a forged or cut token with 400 and the invalid-link page', async () => {
    const s = (await h.store.create({ email: 'forged@example.org', lists: [h.en.listId], status: 'active' })).subscriber;
    const token = signListToken(h.config.secrets, s.id, h.en.listId);
    for (const bad of [`${token.slice(0, -3)}AAA`, token.slice(0, 10), 'x']) {
      const res = await h.app.inject({ method: 'GET', url: `/preferences/${bad}` });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('forged@');
      // The URL names no newsletter: DEFAULT_NEWSLETTER's, whatever the browser's language, under the page's own title.
      const english = await h.app.inject({ method: 'GET', url: `/preferences/${bad}`, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
      expect(english.body).toContain('<html lang="zh-CN"');
      expect(english.body).toContain('偏好设置链接无效');
      expect(english.body).not.toContain('退订链接无效');
      expect((await form(`/preferences/${bad}`, [['action', 'leave-all']])).statusCode).toBe(400);
    }
    expect(await h.store.isActiveIn(s.id, h.en.listId)).toBe(true);
  });

  it('is offered on the unsubscribe page', async () => {
    const s = (await h.store.create({ email: 'choose@example.org', lists: [h.en.listId], status: 'active' })).subscriber;
    const token = signListToken(h.config.secrets, s.id, h.en.listId);
    const page = await h.app.inject({ method: 'GET', url: `/unsubscribe/${token}` });
    expect(page.body).toContain(`<a href="/preferences/${encodeURIComponent(token)}">Manage your subscriptions</a>`);
  });
});
