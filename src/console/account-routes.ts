// /admin/account: who you are logged in as; your open sessions, each of which you can end (a
// lost laptop), or all but this one; and your API tokens: create one (named, with the scopes
// your role allows; shown once), see when each was last used, revoke it.
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/index.ts';
import { newTotpSecret, openTotpSecret, sealTotpSecret, totpStepOf, totpUri } from '../team/totp.ts';
import type { TeamMember, UserStore } from '../team/user-store.ts';
import { z } from 'zod';
import { sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { qrCode } from './qr-code.ts';
import { type ApiToken, type ApiTokenStore, scopesForRole } from '../team/api-token-store.ts';
import type { ApiScope, Role } from '../team/roles.ts';
import { when } from './views.ts';
import type { AdminSessionStore } from '../team/session-store.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage, sessionId, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import { sendQuestion, sessionsTable } from './team-views.ts';

const endBody = z.object({ session: z.string().max(64).default('') });
const tokenBody = z.object({ name: z.string().max(200).default(''), scopes: z.union([z.string(), z.array(z.string())]).default([]) });

function tokensSection(m: ConsoleMessages, role: Role, tokens: readonly ApiToken[], csrf: string): SafeHtml {
  const t = m.team;
  const c = t.tokenColumns;
  const rows = tokens.map(
    (token) =>
      html`<tr><td>${token.name}</td><td>${token.scopes.map((s) => html`<code>${s}</code> `)}</td><td>${when(token.createdAt, m.lang)}</td><td>${token.lastUsedAt ? when(token.lastUsedAt, m.lang) : t.neverUsed}</td><td><a class="button danger" href="/admin/account/tokens/${token.id}/revoke">${t.revokeToken}…</a></td></tr>`,
  );
  return html`<section><h2>${t.tokensTitle}</h2><p>${t.tokensIntro}</p>
${tokens.length ? html`<div class="table-wrap" tabindex="0"><table><caption>${t.tokensTitle}</caption><thead><tr><th scope="col">${c.name}</th><th scope="col">${c.scopes}</th><th scope="col">${c.created}</th><th scope="col">${c.lastUsed}</th><th scope="col">${c.actions}</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>${t.noTokens}</p>`}
<form method="post" action="/admin/account/tokens">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="token-name">${t.tokenName}</label><input type="text" id="token-name" name="name" required maxlength="200">
<fieldset><legend>${c.scopes}</legend>${scopesForRole(role).map(
    (s) =>
      html`<p class="row"><input type="checkbox" id="scope-${s.replace(':', '-')}" name="scopes" value="${s}"><label class="inline" for="scope-${s.replace(':', '-')}"><code>${s}</code></label></p>`,
  )}</fieldset>
<p><button type="submit">${t.createToken}</button></p>
</form></section>`;
}

function twoFactorSection(m: ConsoleMessages, member: TeamMember, pending: { secret: string; uri: string } | null, csrf: string): SafeHtml {
  const t = m.team;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const codeField = (id: string) =>
    html`<label for="${id}">${t.codeLabel}</label><input type="text" id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required>`;
  const body = member.twoFactor
    ? html`<p>${t.twoFactorOn}</p><form method="post" action="/admin/account/two-factor/off">${hidden}${codeField('code-off')}<p><button type="submit" class="danger">${t.twoFactorTurnOff}</button></p></form>`
    : pending
      ? html`<p>${t.twoFactorSetup}</p>
${qrCode(pending.uri, t.twoFactorQr)}
<dl><dt>${t.twoFactorKey}</dt><dd><code data-totp-key>${pending.secret.replace(/(.{4})/g, '$1 ').trim()}</code></dd><dt>${t.twoFactorUri}</dt><dd><code class="finding">${pending.uri}</code></dd></dl>
<form method="post" action="/admin/account/two-factor/confirm">${hidden}${codeField('code-on')}<p class="row"><button type="submit">${t.twoFactorConfirm}</button></p></form>
<form method="post" action="/admin/account/two-factor/cancel">${hidden}<button type="submit" class="secondary">${t.twoFactorCancel}</button></form>`
      : html`<p>${t.twoFactorOff}</p><form method="post" action="/admin/account/two-factor/start">${hidden}<button type="submit">${t.twoFactorStart}</button></form>`;
  return html`<section id="two-factor"><h2>${t.twoFactorTitle}</h2>${body}</section>`;
}

export interface AccountDeps {
  sessions: AdminSessionStore;
  tokens: ApiTokenStore;
  users: UserStore;
  secrets: Config['secrets'];
  cookies: CookiePolicy;
  flash: Flash;
}

export function accountRoutes(deps: AccountDeps): FastifyPluginAsync {
  /** The secret being set up, opened for showing (only while it is not yet confirmed). */
  async function pendingOf(member: TeamMember) {
    const sealed = (await deps.users.totpSecrets(member.id)).pending;
    const secret = sealed ? openTotpSecret(deps.secrets, sealed) : null;
    return secret ? { secret, uri: totpUri(secret, member.email), sealed: sealed! } : null;
  }

  return async (app) => {
    const codeBody = z.object({ code: z.string().max(32).default('') });
    const back = (request: FastifyRequest, reply: FastifyReply, notice: SafeHtml) => deps.flash.redirect(request, reply, '/admin/account#two-factor', notice);
    const member = (request: FastifyRequest) => (request.actor?.kind === 'member' ? request.actor.member : null);

    app.post('/account/two-factor/start', { preHandler: app.csrfProtection }, async (request, reply) => {
      const me = member(request);
      if (me && !me.twoFactor) await deps.users.setTotpPending(me.id, sealTotpSecret(deps.secrets, newTotpSecret()));
      return deps.flash.redirect(request, reply, '/admin/account#two-factor');
    });

    app.post('/account/two-factor/cancel', { preHandler: app.csrfProtection }, async (request, reply) => {
      const me = member(request);
      if (me) await deps.users.setTotpPending(me.id, null);
      return deps.flash.redirect(request, reply, '/admin/account#two-factor');
    });

    app.post('/account/two-factor/confirm', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const me = member(request);
      const pending = me ? await pendingOf(me) : null;
      const parsed = codeBody.safeParse(request.body ?? {});
      const step = pending && parsed.success ? totpStepOf(pending.secret, parsed.data.code) : null;
      if (!me || !pending || step === null) return back(request, reply, html`<p class="notice error" role="alert">${m.team.codeWrong}</p>`);
      await deps.users.enableTotp(me.id, pending.sealed);
      await deps.users.useTotpStep(me.id, step);
      audit(request, 'two-factor-on', me.email);
      return back(request, reply, html`<p class="notice" role="status">${m.team.twoFactorEnabled}</p>`);
    });

    app.post('/account/two-factor/off', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const me = member(request);
      const sealed = me ? (await deps.users.totpSecrets(me.id)).active : null;
      const secret = sealed ? openTotpSecret(deps.secrets, sealed) : null;
      const parsed = codeBody.safeParse(request.body ?? {});
      const step = secret && parsed.success ? totpStepOf(secret, parsed.data.code) : null;
      if (!me || step === null || !(await deps.users.useTotpStep(me.id, step)))
        return back(request, reply, html`<p class="notice error" role="alert">${m.team.codeWrong}</p>`);
      await deps.users.disableTotp(me.id);
      audit(request, 'two-factor-off', me.email);
      return back(request, reply, html`<p class="notice" role="status">${m.team.twoFactorDisabled}</p>`);
    });

    app.post('/account/tokens', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      if (actor?.kind !== 'member') return deps.flash.redirect(request, reply, '/admin/account');
      const parsed = tokenBody.safeParse(request.body ?? {});
      const name = parsed.success ? parsed.data.name.replace(/[\p{Cc}]/gu, ' ').trim() : '';
      const asked = parsed.success ? [parsed.data.scopes].flat() : [];
      const allowed = scopesForRole(actor.member.role);
      const scopes = allowed.filter((s) => asked.includes(s));
      if (!name || scopes.length === 0 || asked.some((s) => !allowed.includes(s as ApiScope)))
        return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice error" role="alert">${m.team.tokenRefused}</p>`);
      const { token, secret } = await deps.tokens.create(actor.member.id, name, scopes);
      audit(request, 'token-create', name, { scopes: scopes.join(',') });
      return deps.flash.redirect(
        request,
        reply,
        '/admin/account',
        html`<p class="notice" role="status">${m.team.tokenCreated(token.name)}</p><p class="notice" role="status"><code data-new-token>${secret}</code></p>`,
      );
    });

    // Cannot be undone, and stops the scripts that use it: asked first, on a page of its own.
    app.get('/account/tokens/:id/revoke', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const id = (request.params as { id: string }).id;
      const token = actor?.kind === 'member' ? (await deps.tokens.listOf(actor.member.id)).find((t) => t.id === id) : undefined;
      if (!token) return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice error" role="alert">${m.team.noSuchToken}</p>`);
      return sendQuestion(request, reply, m, {
        title: m.team.revokeToken,
        question: m.team.revokeConfirm(token.name),
        action: `/admin/account/tokens/${encodeURIComponent(token.id)}/revoke`,
        confirm: m.team.revokeToken,
        back: '/admin/account',
      });
    });

    app.post('/account/tokens/:id/revoke', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const revoked = actor?.kind === 'member' ? await deps.tokens.revoke(actor.member.id, (request.params as { id: string }).id) : null;
      if (!revoked) return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice error" role="alert">${m.team.noSuchToken}</p>`);
      audit(request, 'token-revoke', revoked.name);
      return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice" role="status">${m.team.tokenRevoked(revoked.name)}</p>`);
    });

    app.get('/account', async (request, reply) => {
      const m: ConsoleMessages = consoleLanguage(request, reply, deps.cookies);
      const t = m.team;
      const actor = request.actor;
      const csrf = reply.generateCsrf();
      const notice = await deps.flash.take(request);
      const body =
        actor?.kind === 'member'
          ? html`<h1>${t.accountTitle}</h1>${notice ?? ''}
<p>${t.accountIntro(actor.member.email, t.roleNames[actor.member.role])}</p>
<section><h2>${t.sessionsTitle}</h2>
${sessionsTable(m, await deps.sessions.listOf(actor.member.id), { current: actor.session, endAction: '/admin/account/sessions/end', csrf })}
<form method="post" action="/admin/account/sessions/end-others"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${t.endOthers}</button></form>
</section>
${twoFactorSection(m, actor.member, await pendingOf(actor.member), csrf)}
${tokensSection(m, actor.member.role, await deps.tokens.listOf(actor.member.id), csrf)}`
          : html`<h1>${t.accountTitle}</h1><p>${t.setupIntro}</p>`;
      return sendPage(reply, 200, consolePage({ m, title: t.accountTitle, path: '/admin/account', session: { csrf, can: canOf(request) }, body }));
    });

    app.post('/account/sessions/end', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const parsed = endBody.safeParse(request.body ?? {});
      const handle = parsed.success ? parsed.data.session : '';
      // Only one of your own sessions: a handle from someone else's list ends nothing here.
      if (actor?.kind === 'member' && (await deps.sessions.listOf(actor.member.id)).some((s) => s.handle === handle)) {
        await deps.sessions.end(handle);
        audit(request, 'session-end', actor.member.email, { sessions: 1 });
      }
      return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice" role="status">${m.team.sessionEnded}</p>`);
    });

    app.post('/account/sessions/end-others', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const ended = actor?.kind === 'member' ? await deps.sessions.endAllOf(actor.member.id, deps.sessions.handleOf(sessionId(request)) ?? undefined) : 0;
      if (actor?.kind === 'member') audit(request, 'session-end', actor.member.email, { sessions: ended });
      return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice" role="status">${m.team.othersEnded(ended)}</p>`);
    });
  };
}
