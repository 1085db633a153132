// Who acts on a console or API request, and what of it goes into the audit log. A guard sets
// `request.actor`; a handler that did something the log keeps says so with `audit(request, …)`
// once it has succeeded; an onSend hook (auditHook), added in the console's and the API's
// scopes only, writes the entry before the answer leaves, and logs it as one line too.
import type { FastifyRequest, onSendAsyncHookHandler } from 'fastify';
import { type Actor, actorLabel, actorUserId } from '../team/actor.ts';
import type { AuditAction, AuditLog } from '../team/audit-log.ts';
import { clientIp } from './client-ip.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is acting, once a guard has let the request in (console or API). */
    actor?: Actor;
    /** What this request did that the audit log keeps, set by its handler on success. */
    audit?: PendingAudit;
  }
}

export interface PendingAudit {
  action: AuditAction;
  target?: string;
  detail?: Readonly<Record<string, string | number | boolean>>;
  /** The actor when no guard set one (a login, a failed login: the address typed). */
  as?: { label: string; id?: string };
}

/** Marks the request's outcome for the audit log (the last call wins). */
export function audit(request: FastifyRequest, action: AuditAction, target?: string, detail?: PendingAudit['detail'], as?: PendingAudit['as']): void {
  request.audit = { action, ...(target !== undefined ? { target } : {}), ...(detail ? { detail } : {}), ...(as ? { as } : {}) };
}

/** `key=value` pairs, values without spaces or line breaks (a CSV cell and a log field alike). */
export function detailText(detail: PendingAudit['detail']): string {
  return Object.entries(detail ?? {})
    .map(([k, v]) => `${k}=${String(v).replace(/[\s\r\n]+/g, '_')}`)
    .join(' ');
}

export function auditHook(log: AuditLog): onSendAsyncHookHandler {
  return async (request, reply, payload) => {
    const pending = request.audit;
    // A refused request did nothing to record, except a failed login, which is what is recorded.
    if (!pending || (reply.statusCode >= 400 && pending.action !== 'login-failed')) return payload;
    request.audit = undefined;
    const actor = pending.as ?? (request.actor ? { label: actorLabel(request.actor), id: actorUserId(request.actor) ?? '' } : { label: 'unknown', id: '' });
    const entry = await log.record({
      action: pending.action,
      actor: actor.label,
      actorId: actor.id ?? '',
      ip: clientIp(request) ?? '',
      target: pending.target ?? '',
      detail: detailText(pending.detail),
    });
    request.log.info({ audit: entry }, `audit: ${entry.action} by ${entry.actor}${entry.target ? ` on ${entry.target}` : ''}`);
    return payload;
  };
}
