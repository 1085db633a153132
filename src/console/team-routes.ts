// /admin/team (admins: users:manage): the members with their roles, inviting one, changing a
// role, removing a member (asked first; their sessions end at once), and a member's sessions,
// each of which can be ended. Every form answers with post/redirect/get.
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { actorUserId } from '../team/actor.ts';
import { isRole, ROLES } from '../team/roles.ts';
import { MemberExistsError, type TeamMember } from '../team/user-store.ts';
import { changeRole, inviteMember, newMemberLink, removeMember, type TeamDeps, type TeamRefusal } from '../use-cases/manage-team.ts';
import { normaliseEmail } from '../subscribers/email-address.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import { sendQuestion, sessionsTable } from './team-views.ts';
import { when } from './views.ts';

const inviteBody = z.object({ email: z.string().max(320).default(''), role: z.string().max(16).default('') });
const roleBody = z.object({ role: z.string().max(16).default('') });
const endBody = z.object({ session: z.string().max(64).default('') });

const ok = (text: string) => html`<p class="notice" role="status">${text}</p>`;
const bad = (text: string) => html`<p class="notice error" role="alert">${text}</p>`;

function refusalText(m: ConsoleMessages, refused: TeamRefusal): string {
  return refused === 'self' ? m.team.notYourself : refused === 'last-admin' ? m.team.lastAdmin : m.team.noSuchMember;
}

function roleSelect(m: ConsoleMessages, id: string, selected: string, label: string): SafeHtml {
  return html`<label for="${id}" class="visually-hidden">${label}</label><select id="${id}" name="role">${ROLES.map(
    (r) => html`<option value="${r}"${r === selected ? html` selected` : ''}>${m.team.roleNames[r]}</option>`,
  )}</select>`;
}

/** The member's role per newsletter: each newsletter's select, "as their role" by default. */
function newsletterRolesForm(m: ConsoleMessages, member: TeamMember, newsletters: readonly NewsletterName[], csrf: string): SafeHtml {
  const t = m.team;
  return html`<details><summary>${t.perNewsletter}</summary><form method="post" action="/admin/team/${encodeURIComponent(member.id)}/newsletter-roles">
<input type="hidden" name="_csrf" value="${csrf}">${newsletters.map((n) => {
    const id = `nr-${member.id}-${n.id}`;
    const current = member.newsletterRoles[n.id] ?? '';
    return html`<p><label for="${id}">${n.name}</label><select id="${id}" name="role-${n.id}"><option value="">${t.asTheirRole(t.roleNames[member.role])}</option>${ROLES.map(
      (r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${t.roleNames[r]}</option>`,
    )}</select></p>`;
  })}<p><button type="submit" class="secondary">${t.roleButton}</button></p></form></details>`;
}

function memberRow(m: ConsoleMessages, member: TeamMember, you: string | null, csrf: string, newsletters: readonly NewsletterName[] = []): SafeHtml {
  const t = m.team;
  const id = encodeURIComponent(member.id);
  const own = member.id === you;
  const actions = own
    ? ''
    : html`<form method="post" action="/admin/team/${id}/role" class="row"><input type="hidden" name="_csrf" value="${csrf}">${roleSelect(m, `role-${member.id}`, member.role, `${t.columns.role}: ${member.email}`)}<button type="submit" class="secondary">${t.roleButton}</button></form>
<p class="row">${member.active ? '' : html`<form method="post" action="/admin/team/${id}/invite"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${t.inviteButton}</button></form>`}<a class="button secondary" href="/admin/team/${id}/sessions">${t.sessionsButton}</a>${member.twoFactor ? html`<a class="button secondary" href="/admin/team/${id}/two-factor-off">${t.twoFactorTitle}: ${t.twoFactorTurnOff}…</a>` : ''}<a class="button danger" href="/admin/team/${id}/remove">${t.removeButton}</a></p>
${newsletters.length > 1 ? newsletterRolesForm(m, member, newsletters, csrf) : ''}`;
  return html`<tr><td>${member.email}${own ? html` ${t.you}` : ''}</td><td>${t.roleNames[member.role]}${Object.entries(member.newsletterRoles).map(([n, r]) => html`<br><span class="hint">${n}: ${t.roleNames[r]}</span>`)}</td><td>${member.active ? t.active : t.invited}${member.twoFactor ? html`, ${t.twoFactorBadge}` : ''}</td><td>${when(member.createdAt, m.lang)}</td><td>${actions}</td></tr>`;
}

export interface NewsletterName {
  id: string;
  name: string;
}

export function teamRoutes(deps: TeamDeps & { cookies: CookiePolicy; flash: Flash; newsletters: readonly NewsletterName[] }): FastifyPluginAsync {
  const back = (request: FastifyRequest, reply: FastifyReply, notice: SafeHtml, to = '/admin/team') => deps.flash.redirect(request, reply, to, notice);

  return async (app) => {
    app.get('/team', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const t = m.team;
      const csrf = reply.generateCsrf();
      const you = request.actor ? actorUserId(request.actor) : null;
      const members = await deps.users.list();
      const c = t.columns;
      const body = html`<h1>${t.title}</h1>${(await deps.flash.take(request)) ?? ''}
<section><div class="table-wrap" tabindex="0"><table><caption>${t.membersCaption}</caption><thead><tr><th scope="col">${c.email}</th><th scope="col">${c.role}</th><th scope="col">${c.state}</th><th scope="col">${c.since}</th><th scope="col">${c.actions}</th></tr></thead>
<tbody>${members.map((member) => memberRow(m, member, you, csrf, deps.newsletters))}</tbody></table></div></section>
<section><h2>${t.inviteFormTitle}</h2>
<form method="post" action="/admin/team/invite">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="invite-email">${t.emailLabel}</label>
<input type="email" id="invite-email" name="email" required autocomplete="off">
<fieldset><legend>${c.role}</legend>${ROLES.map(
        (r) =>
          html`<p class="row"><input type="radio" id="invite-role-${r}" name="role" value="${r}"${r === 'writer' ? html` checked` : ''} aria-describedby="invite-role-${r}-hint"><label class="inline" for="invite-role-${r}">${t.roleNames[r]}</label> <span class="hint" id="invite-role-${r}-hint">${t.roleHints[r]}</span></p>`,
      )}</fieldset>
<p><button type="submit">${t.inviteButton}</button></p>
</form></section>`;
      return sendPage(reply, 200, consolePage({ m, title: t.title, path: '/admin/team', session: { csrf, can: canOf(request) }, body }));
    });

    app.post('/team/invite', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const parsed = inviteBody.safeParse(request.body ?? {});
      const email = parsed.success ? normaliseEmail(parsed.data.email) : null;
      const role = parsed.success ? parsed.data.role : '';
      if (!email || !isRole(role)) return back(request, reply, bad(email ? m.team.badRole : m.team.notAnAddress));
      try {
        const { member, link } = await inviteMember(deps, email, role);
        audit(request, 'member-invite', member.email, { role });
        return back(
          request,
          reply,
          html`${ok(m.team.invitedNotice(member.email))}<p class="notice" role="status">${m.team.inviteLinkOnce} <code>${link}</code></p>`,
        );
      } catch (error) {
        if (error instanceof MemberExistsError) return back(request, reply, bad(m.team.alreadyMember(email)));
        throw error;
      }
    });

    app.post('/team/:id/invite', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const member = await deps.users.byId((request.params as { id: string }).id);
      if (!member || member.active) return back(request, reply, bad(m.team.noSuchMember));
      const link = await newMemberLink(deps, member, 'invite');
      audit(request, 'member-invite', member.email, { role: member.role, again: true });
      return back(
        request,
        reply,
        html`${ok(m.team.invitedNotice(member.email))}<p class="notice" role="status">${m.team.inviteLinkOnce} <code>${link}</code></p>`,
      );
    });

    app.post('/team/:id/role', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const parsed = roleBody.safeParse(request.body ?? {});
      const role = parsed.success ? parsed.data.role : '';
      if (!isRole(role)) return back(request, reply, bad(m.team.badRole));
      const done = await changeRole(deps, request.actor ? actorUserId(request.actor) : null, (request.params as { id: string }).id, role);
      if ('refused' in done) return back(request, reply, bad(refusalText(m, done.refused)));
      audit(request, 'member-role', done.member.email, { role });
      return back(request, reply, ok(m.team.roleChanged(done.member.email, m.team.roleNames[role])));
    });

    // A member's role per newsletter (an empty choice: their own role there too).
    app.post('/team/:id/newsletter-roles', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const id = (request.params as { id: string }).id;
      const member = await deps.users.byId(id);
      if (!member) return back(request, reply, bad(m.team.noSuchMember));
      if (request.actor && actorUserId(request.actor) === member.id) return back(request, reply, bad(m.team.notYourself));
      const body = (request.body ?? {}) as Record<string, unknown>;
      const changed: string[] = [];
      for (const n of deps.newsletters) {
        const asked = body[`role-${n.id}`];
        const role = isRole(asked) ? asked : null;
        if ((member.newsletterRoles[n.id] ?? null) === role) continue;
        await deps.users.setNewsletterRole(member.id, n.id, role);
        changed.push(`${n.id}=${role ?? member.role}`);
      }
      if (changed.length) audit(request, 'member-role', member.email, { newsletters: changed.join(',') });
      return back(request, reply, ok(m.team.newsletterRolesSaved(member.email)));
    });

    // Weakens a member's sign-in: asked first, on a page of its own.
    app.get('/team/:id/two-factor-off', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const member = await deps.users.byId((request.params as { id: string }).id);
      if (!member) return back(request, reply, bad(m.team.noSuchMember));
      return sendQuestion(request, reply, m, {
        title: `${m.team.twoFactorTitle}: ${m.team.twoFactorTurnOff}`,
        question: m.team.twoFactorOffConfirm(member.email),
        action: `/admin/team/${encodeURIComponent(member.id)}/two-factor-off`,
        confirm: m.team.twoFactorTurnOff,
        back: '/admin/team',
      });
    });

    // A member who lost their authenticator: an admin turns the second step off (they can turn it on again).
    app.post('/team/:id/two-factor-off', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const member = await deps.users.byId((request.params as { id: string }).id);
      if (!member) return back(request, reply, bad(m.team.noSuchMember));
      // Your own second step goes off only with a code (the account page): a stolen session cannot.
      if (request.actor && actorUserId(request.actor) === member.id) return back(request, reply, bad(m.team.notYourself));
      await deps.users.disableTotp(member.id);
      audit(request, 'two-factor-off', member.email);
      return back(request, reply, ok(m.team.twoFactorOffFor(member.email)));
    });

    app.get('/team/:id/remove', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const member = await deps.users.byId((request.params as { id: string }).id);
      if (!member) return back(request, reply, bad(m.team.noSuchMember));
      return sendQuestion(request, reply, m, {
        title: m.team.removeButton,
        question: m.team.removeConfirm(member.email),
        action: `/admin/team/${encodeURIComponent(member.id)}/remove`,
        confirm: m.team.removeButton,
        back: '/admin/team',
      });
    });

    app.post('/team/:id/remove', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const done = await removeMember(deps, request.actor ? actorUserId(request.actor) : null, (request.params as { id: string }).id);
      if ('refused' in done) return back(request, reply, bad(refusalText(m, done.refused)));
      audit(request, 'member-remove', done.member.email, { sessionsEnded: done.sessionsEnded, tokensRevoked: done.tokensRevoked });
      return back(request, reply, ok(m.team.removed(done.member.email, done.sessionsEnded)));
    });

    app.get('/team/:id/sessions', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const member = await deps.users.byId((request.params as { id: string }).id);
      if (!member) return back(request, reply, bad(m.team.noSuchMember));
      const csrf = reply.generateCsrf();
      const you = request.actor?.kind === 'member' ? request.actor.session : null;
      const base = `/admin/team/${encodeURIComponent(member.id)}/sessions`;
      const body = html`<h1>${m.team.sessionsOf(member.email)}</h1>${(await deps.flash.take(request)) ?? ''}
<section>${sessionsTable(m, await deps.sessions.listOf(member.id), { current: you, endAction: `${base}/end`, csrf })}
<form method="post" action="${base}/end-all"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${m.team.endOthers}</button></form></section>
<p><a href="/admin/team">${m.team.title}</a></p>`;
      return sendPage(reply, 200, consolePage({ m, title: m.team.sessionsOf(member.email), path: base, session: { csrf, can: canOf(request) }, body }));
    });

    app.post('/team/:id/sessions/end', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const id = (request.params as { id: string }).id;
      const parsed = endBody.safeParse(request.body ?? {});
      const handle = parsed.success ? parsed.data.session : '';
      if ((await deps.sessions.listOf(id)).some((s) => s.handle === handle)) {
        await deps.sessions.end(handle);
        audit(request, 'session-end', (await deps.users.byId(id))?.email ?? id, { sessions: 1 });
      }
      return back(request, reply, ok(m.team.sessionEnded), `/admin/team/${encodeURIComponent(id)}/sessions`);
    });

    app.post('/team/:id/sessions/end-all', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const id = (request.params as { id: string }).id;
      const you = request.actor?.kind === 'member' ? request.actor.session : undefined;
      const ended = await deps.sessions.endAllOf(id, you);
      audit(request, 'session-end', (await deps.users.byId(id))?.email ?? id, { sessions: ended });
      return back(request, reply, ok(m.team.othersEnded(ended)), `/admin/team/${encodeURIComponent(id)}/sessions`);
    });
  };
}
