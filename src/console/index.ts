// The editor's console under /admin: cookies and CSRF only here (the public pages set no
// cookie), the login and logout routes, and every other page behind the session guard.
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { newsletterOfIssue } from '../use-cases/issue-newsletter.ts';
import type { AppContext } from '../http/app-context.ts';
import { authRoutes, requireSession } from './auth-routes.ts';
import { consoleCookie, CSRF_COOKIE, type CookiePolicy } from './console-request.ts';
import type { DoctorOptions } from '../doctor/run-doctor.ts';
import { doctorRoutes, type DoctorRuns } from './doctor-section.ts';
import { homeRoutes } from './home-routes.ts';
import { IssueChecks } from '../use-cases/issue-check.ts';
import { Flash } from './flash.ts';
import { issueRoutes } from './issue-routes.ts';
import { newIssueRoutes } from './new-issue-routes.ts';
import { queuesRoutes } from './queues-routes.ts';
import { sendRoutes } from './send-routes.ts';
import { studioRoutes } from './studio-routes.ts';
import { subscriberBulkRoutes } from './subscriber-bulk-routes.ts';
import { subscriberPageRoutes } from './subscriber-page-routes.ts';
import { subscriberRoutes } from './subscriber-routes.ts';
import { ApiTokenStore } from '../team/api-token-store.ts';
import { LoginChallenges } from '../team/login-challenge.ts';
import { LoginThrottle } from '../team/login-throttle.ts';
import { AdminSessionStore } from '../team/session-store.ts';
import { UserStore } from '../team/user-store.ts';
import { accountRoutes } from './account-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { auditHook } from '../http/audit.ts';
import { AuditLog } from '../team/audit-log.ts';
import { memberLinkRoutes } from './member-link-routes.ts';
import { teamRoutes } from './team-routes.ts';

export function consoleRoutes(ctx: AppContext, opts: { doctor?: DoctorOptions } = {}): FastifyPluginAsync {
  return async (admin) => {
    const cookies: CookiePolicy = { secure: ctx.config.publicUrl.startsWith('https:') };
    // Signed with SECRET; SECRET_PREVIOUS still verifies during a rotation.
    await admin.register(cookie, { secret: ctx.config.secrets.map((s) => s.key) });
    await admin.register(csrf, { cookieKey: CSRF_COOKIE, cookieOpts: consoleCookie(cookies), logLevel: 'info' });
    const users = new UserStore(ctx.redis, ctx.keys);
    const auth = {
      adminToken: ctx.config.adminToken,
      sessions: new AdminSessionStore(ctx.redis, ctx.keys),
      users,
      throttle: new LoginThrottle(ctx.redis, ctx.keys),
      challenges: new LoginChallenges(ctx.redis, ctx.keys),
      secrets: ctx.config.secrets,
      cookies,
      // An issue's or a send's pages name the issue by `:id`.
      newsletterOf: async (request: FastifyRequest) => {
        const id = (request.params as { id?: string } | undefined)?.id;
        return id && /^\/admin\/(issues|sends)\/:id/.test(request.routeOptions.url ?? '')
          ? newsletterOfIssue({ emailsDir: ctx.config.emailsDir, redis: ctx.redis, keys: ctx.keys }, id)
          : null;
      },
    };
    const flash = new Flash(auth.sessions);
    const tokens = new ApiTokenStore(ctx.redis, ctx.keys);
    const team = { users, sessions: auth.sessions, tokens, config: ctx.config, transactionalQueue: ctx.subscription.transactionalQueue };
    // One render-and-lint per version of each issue file, shared by the home and issue pages.
    const checks = new IssueChecks({ assetsUrl: ctx.config.assetsUrl });
    // The last run of the home page's deployment checks, kept by this process.
    const doctor: DoctorRuns = { last: null, ...(opts.doctor ? { options: opts.doctor } : {}) };
    // What the console did goes into the audit log, written before each answer leaves.
    const auditLog = new AuditLog(ctx.redis, ctx.keys, ctx.config.auditRetentionDays);
    admin.addHook('onSend', auditHook(auditLog));
    await admin.register(authRoutes(auth));
    await admin.register(memberLinkRoutes({ ...auth, transactionalQueue: ctx.subscription.transactionalQueue }));
    await admin.register(async (guarded) => {
      guarded.addHook('onRequest', requireSession(auth));
      await guarded.register(homeRoutes(ctx, cookies, checks, flash, doctor));
      await guarded.register(doctorRoutes(ctx, doctor));
      await guarded.register(newIssueRoutes(ctx, cookies, flash));
      await guarded.register(issueRoutes(ctx, cookies, flash, checks));
      await guarded.register(studioRoutes(ctx, cookies, flash));
      await guarded.register(sendRoutes(ctx, cookies, flash));
      await guarded.register(subscriberRoutes(ctx, cookies, flash));
      await guarded.register(subscriberBulkRoutes(ctx, cookies, flash));
      await guarded.register(subscriberPageRoutes(ctx, cookies, flash));
      await guarded.register(queuesRoutes(ctx));
      await guarded.register(teamRoutes({ ...team, cookies, flash, newsletters: ctx.newsletters.all.map((n) => ({ id: n.id, name: n.name })) }));
      await guarded.register(accountRoutes({ sessions: auth.sessions, tokens, users, secrets: ctx.config.secrets, cookies, flash }));
      await guarded.register(auditRoutes({ log: auditLog, config: ctx.config, cookies }));
    });
  };
}
