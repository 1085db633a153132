// Per request in the console: the editor's language, the CSRF token for the page's forms, and
// the cookies the console sets (only under /admin; the public pages set none).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorAllows, newsletterToAsk } from '../team/actor.ts';
import type { Permission } from '../team/roles.ts';
import { consoleLocale, consoleMessages, type ConsoleLocale, type ConsoleMessages } from './console-messages/index.ts';

export const SESSION_COOKIE = 'nl_admin';
export const CSRF_COOKIE = 'nl_csrf';
export const LANG_COOKIE = 'nl_lang';

export interface CookiePolicy {
  secure: boolean;
}

/** HttpOnly, SameSite=Strict, only sent to the console, Secure when PUBLIC_URL is https. */
export function consoleCookie(policy: CookiePolicy, maxAgeSeconds?: number) {
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: policy.secure,
    signed: true,
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** The language: `?lang=` (remembered in a cookie), the cookie, or Accept-Language. */
export function consoleLanguage(request: FastifyRequest, reply: FastifyReply, policy: CookiePolicy): ConsoleMessages {
  const asked = (request.query as { lang?: unknown } | undefined)?.lang;
  if (asked === 'en' || asked === 'zh-CN') {
    reply.setCookie(LANG_COOKIE, asked, { path: '/admin', sameSite: 'lax', secure: policy.secure, maxAge: 365 * 24 * 3600 });
    return consoleMessages(asked as ConsoleLocale);
  }
  return consoleMessages(consoleLocale(request.cookies?.[LANG_COOKIE], request.headers['accept-language']));
}

/** The signed session cookie's value, or undefined when missing or tampered with. */
export function sessionId(request: FastifyRequest): string | undefined {
  const raw = request.cookies?.[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * Whether this request's actor may send the issue (or control its send): its newsletter, asked
 * only for a member with a role of their own for one, as the console's guard asks it. Pages use
 * it to show a send's buttons only to those whose click the guard would let through.
 */
export async function actorMaySend(request: FastifyRequest, newsletterOf: () => Promise<string | null>): Promise<boolean> {
  const actor = request.actor;
  if (!actor) return false;
  return actorAllows(actor, 'campaigns:send', await newsletterToAsk(actor, 'campaigns:send', newsletterOf));
}

/** What the actor of this request may do: the page frame shows only the sections they can open. */
export function canOf(request: FastifyRequest): (permission: Permission) => boolean {
  const actor = request.actor;
  return (permission) => (actor ? actorAllows(actor, permission) : false);
}
