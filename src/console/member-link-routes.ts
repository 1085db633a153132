// The pages a member reaches from a mailed link, before they have a session: accepting an
// invitation and resetting a password (both: choose a password, then logged in with a new
// session), and asking for a reset link. Asking answers the same whether or not the address
// belongs to a member, and a member's sessions all end when their password is reset.
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { clientIp } from '../http/client-ip.ts';
import { sendPage } from '../http/respond.ts';
import { html } from '../http/views/html.ts';
import { enqueueMemberLinkMail } from '../team/member-link-mail.ts';
import { type LinkPurpose, memberLinkValid, readMemberLink } from '../team/member-links.ts';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN } from '../team/password.ts';
import type { TeamMember } from '../team/user-store.ts';
import { type AuthDeps, LOGIN_ATTEMPTS_PER_MINUTE, startSession } from './auth-routes.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage } from './console-request.ts';
import { consolePage } from './layout.ts';

/** Reset requests a client may make per minute (an address gets at most one mail in ten minutes: LoginThrottle). */
export const RESET_REQUESTS_PER_MINUTE = 5;

const passwordBody = z.object({ password: z.string().max(4096).default(''), confirm: z.string().max(4096).default('') });
const resetBody = z.object({ email: z.string().max(320).default('') });

export interface MemberLinkDeps extends AuthDeps {
  transactionalQueue: Queue;
}

const PATHS: Record<LinkPurpose, string> = { invite: '/invite/:token', reset: '/reset/:token' };

function choosePage(m: ConsoleMessages, purpose: LinkPurpose, csrf: string, member: TeamMember, error?: string) {
  const t = m.team;
  const title = purpose === 'invite' ? t.inviteTitle : t.resetChooseTitle;
  const invalid = error ? html` aria-invalid="true"` : '';
  return consolePage({
    m,
    title,
    path: '/admin/login',
    body: html`<section class="card narrow"><h1>${title}</h1>
${error ? html`<p class="notice error" role="alert" id="password-error">${error}</p>` : ''}
<p>${purpose === 'invite' ? t.inviteIntro(member.email) : t.resetChooseIntro(member.email)}</p>
<form method="post">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="email" name="username" value="${member.email}" autocomplete="username" hidden>
<label for="password">${t.newPasswordLabel}</label>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="${PASSWORD_MIN}" maxlength="${PASSWORD_MAX}" autofocus aria-describedby="password-hint${error ? ' password-error' : ''}"${invalid}>
<p class="hint" id="password-hint">${t.passwordHint(PASSWORD_MIN)}</p>
<label for="confirm">${t.confirmPasswordLabel}</label>
<input type="password" id="confirm" name="confirm" autocomplete="new-password" required${invalid}>
<p><button type="submit">${t.setPasswordButton}</button></p>
</form></section>`,
  });
}

function invalidLinkPage(m: ConsoleMessages) {
  return consolePage({
    m,
    title: m.errorTitle,
    path: '/admin/login',
    body: html`<section class="card narrow"><h1>${m.errorTitle}</h1><p class="notice error" role="alert">${m.team.linkInvalid}</p><p><a href="/admin/login">${m.loginTitle}</a></p></section>`,
  });
}

export function memberLinkRoutes(deps: MemberLinkDeps): FastifyPluginAsync {
  /** The member a link names, if the link is valid now (not yet used, not replaced, not expired). */
  async function linkedMember(purpose: LinkPurpose, token: string): Promise<{ member: TeamMember; nonce: string; expires: number } | null> {
    const claims = readMemberLink(token);
    if (!claims) return null;
    const [member, link] = await Promise.all([deps.users.byId(claims.userId), deps.users.link(claims.userId, purpose)]);
    if (!member || !link || link.expires !== claims.expires) return null;
    if (purpose === 'invite' && member.active) return null;
    return memberLinkValid(deps.secrets, purpose, token, link.nonce, Math.floor(Date.now() / 1000)) ? { member, ...link } : null;
  }

  return async (app) => {
    for (const purpose of ['invite', 'reset'] as const) {
      app.get(PATHS[purpose], async (request, reply) => {
        const m = consoleLanguage(request, reply, deps.cookies);
        const found = await linkedMember(purpose, (request.params as { token: string }).token);
        reply.header('referrer-policy', 'no-referrer');
        if (!found) return sendPage(reply, 410, invalidLinkPage(m));
        return sendPage(reply, 200, choosePage(m, purpose, reply.generateCsrf(), found.member));
      });

      app.post(
        PATHS[purpose],
        { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
        async (request: FastifyRequest, reply: FastifyReply) => {
          const m = consoleLanguage(request, reply, deps.cookies);
          const found = await linkedMember(purpose, (request.params as { token: string }).token);
          reply.header('referrer-policy', 'no-referrer');
          if (!found) return sendPage(reply, 410, invalidLinkPage(m));
          const parsed = passwordBody.safeParse(request.body ?? {});
          const { password, confirm } = parsed.success ? parsed.data : { password: '', confirm: '' };
          const problem =
            password.length < PASSWORD_MIN
              ? m.team.passwordTooShort(PASSWORD_MIN)
              : password.length > PASSWORD_MAX
                ? m.team.passwordTooLong(PASSWORD_MAX)
                : password !== confirm
                  ? m.team.passwordsDiffer
                  : null;
          if (problem) return sendPage(reply, 400, choosePage(m, purpose, reply.generateCsrf(), found.member, problem));
          // Used up first: of two submissions of one link, only one sets a password.
          if (!(await deps.users.takeLink(found.member.id, purpose, found.nonce, found.expires))) return sendPage(reply, 410, invalidLinkPage(m));
          await deps.users.setPassword(found.member.id, await hashPassword(password));
          const ended = await deps.sessions.endAllOf(found.member.id);
          await deps.throttle.succeeded(found.member.email);
          request.log.info({ ip: clientIp(request), purpose, sessionsEnded: ended }, 'console: password set from a mailed link');
          audit(request, 'password-set', found.member.email, { link: purpose, sessionsEnded: ended }, { label: found.member.email, id: found.member.id });
          // A mailed link proves the mailbox, not the authenticator: with two-step sign-in the member logs in, code and all.
          if (found.member.twoFactor) return reply.code(303).header('location', '/admin/login?done=password').header('cache-control', 'no-store').send();
          return startSession(deps, request, reply, found.member.id);
        },
      );
    }

    app.get('/reset', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const sent = (request.query as { sent?: unknown }).sent === '1';
      return sendPage(reply, 200, resetRequestPage(m, reply.generateCsrf(), sent));
    });

    app.post(
      '/reset',
      { config: { rateLimit: { max: RESET_REQUESTS_PER_MINUTE, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
      async (request, reply) => {
        const parsed = resetBody.safeParse(request.body ?? {});
        const email = parsed.success ? parsed.data.email.trim() : '';
        // The same answer, after the same work, for every address: the lookup and the throttle for
        // each; a member's link and mail are made after the answer has gone.
        const [member, allowed] = await Promise.all([deps.users.byEmail(email), deps.throttle.mayMailReset(email)]);
        if (member && allowed) {
          audit(request, 'reset-asked', member.email, undefined, { label: 'anonymous' });
          reply.raw.once('finish', () => {
            deps.users
              .startLink(member.id, 'reset')
              .then(() => enqueueMemberLinkMail(deps.transactionalQueue, { userId: member.id, purpose: 'reset' }))
              .catch((error: Error) => request.log.error({ err: error.message }, 'console: reset mail not queued'));
          });
        }
        return reply.code(303).header('location', '/admin/reset?sent=1').header('cache-control', 'no-store').send();
      },
    );
  };
}

function resetRequestPage(m: ConsoleMessages, csrf: string, sent: boolean) {
  const t = m.team;
  return consolePage({
    m,
    title: t.resetTitle,
    path: '/admin/reset',
    body: html`<section class="card narrow"><h1>${t.resetTitle}</h1>
${sent ? html`<p class="notice" role="status">${t.resetSent}</p>` : ''}
<p>${t.resetIntro}</p>
<form method="post" action="/admin/reset">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="email">${t.emailLabel}</label>
<input type="email" id="email" name="email" autocomplete="username" required${sent ? '' : html` autofocus`}>
<p><button type="submit">${t.resetButton}</button></p>
</form>
<p><a href="/admin/login">${m.loginTitle}</a></p></section>`,
  });
}
