// What each console and admin API route needs, in one place (issue 31), and what each role may.
// Every route under /admin and /api is matched here when it is registered (declarePermissions):
// a route with no rule stops the server at start, so a new route cannot slip in unguarded.
// A user's role (src/team/roles.ts) or an API token's scopes are checked against this table.

import type { FastifyInstance, FastifyRequest } from 'fastify';

import { type Requirement, type Role, ROLE_PERMISSIONS } from '../team/roles.ts';

export {
  API_SCOPES,
  type ApiScope,
  PERMISSIONS,
  type Permission,
  type Requirement,
  type Role,
  ROLE_PERMISSIONS,
  ROLES,
} from '../team/roles.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface Rule {
  methods: readonly Method[] | 'any';
  path: RegExp;
  needs: Requirement;
}

const GET = ['GET'] as const;
const WRITE = ['POST', 'PATCH', 'PUT', 'DELETE'] as const;

// First match wins; paths as Fastify registers them (`:id` written as such).
const RULES: readonly Rule[] = [
  { methods: 'any', path: /^\/admin\/(login|login\/code|logout|reset|invite\/:token|reset\/:token)$/, needs: 'public' },
  { methods: 'any', path: /^\/admin\/account(\/|$)/, needs: 'signed-in' },
  { methods: 'any', path: /^\/admin\/team(\/|$)/, needs: 'users:manage' },
  { methods: GET, path: /^\/admin\/audit(\.csv)?$/, needs: 'audit:read' },
  { methods: GET, path: /^\/admin\/?$/, needs: 'issues:read' },
  { methods: WRITE, path: /^\/admin\/doctor$/, needs: 'settings:manage' },
  { methods: WRITE, path: /^\/admin\/issues\/new$/, needs: 'issues:edit' },
  { methods: 'any', path: /^\/admin\/issues\/:id\/(edit|revisions)(\/|$)/, needs: 'issues:edit' },
  { methods: WRITE, path: /^\/admin\/issues\/:id\/test-send$/, needs: 'issues:test-send' },
  { methods: 'any', path: /^\/admin\/issues\/:id\/send$/, needs: 'campaigns:send' },
  { methods: GET, path: /^\/admin\/issues\/:id(\/preview\.html)?$/, needs: 'issues:read' },
  { methods: GET, path: /^\/admin\/assets\/:name$/, needs: 'issues:read' },
  { methods: GET, path: /^\/admin\/sends\/:id(\/status\.json)?$/, needs: 'campaigns:read' },
  { methods: 'any', path: /^\/admin\/sends\/:id\/[a-z]+$/, needs: 'campaigns:send' },
  { methods: GET, path: /^\/admin\/subscribers\/export\.csv$/, needs: 'subscribers:export' },
  { methods: 'any', path: /^\/admin\/subscribers\/import(\/|$)/, needs: 'subscribers:import' },
  { methods: 'any', path: /^\/admin\/subscribers\/:id\/delete$/, needs: 'subscribers:delete' },
  { methods: GET, path: /^\/admin\/subscribers(\/|$)/, needs: 'subscribers:read' },
  { methods: WRITE, path: /^\/admin\/subscribers(\/|$)/, needs: 'subscribers:write' },
  { methods: 'any', path: /^\/admin\/queues(\/|$)/, needs: 'settings:manage' },
  { methods: GET, path: /^\/api\/openapi\.json$/, needs: 'signed-in' },
  { methods: GET, path: /^\/api\/campaigns\/:issueId\/report$/, needs: 'reports:read' },
  { methods: GET, path: /^\/api\/campaigns(\/|$)/, needs: 'campaigns:read' },
  { methods: WRITE, path: /^\/api\/campaigns(\/|$)/, needs: 'campaigns:send' },
  { methods: GET, path: /^\/api\/subscribers(\/|$)/, needs: 'subscribers:read' },
  { methods: WRITE, path: /^\/api\/subscribers(\/|$)/, needs: 'subscribers:write' },
];

/** Whether a route is one this table guards: the console and the admin API. */
export function isGuardedPath(url: string): boolean {
  return /^\/(admin|api)(\/|$)/.test(url);
}

/** What `method url` needs (a HEAD as its GET; OPTIONS never reaches a route here); null when no rule names it. */
export function requirementOf(method: string, url: string): Requirement | null {
  const m = (method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()) as Method;
  const rule = RULES.find((r) => (r.methods === 'any' || r.methods.includes(m)) && r.path.test(url));
  return rule?.needs ?? null;
}

/** Whether a role holds a requirement. */
export function roleAllows(role: Role, needs: Requirement): boolean {
  return needs === 'public' || needs === 'signed-in' || ROLE_PERMISSIONS[role].includes(needs);
}

export interface GuardedRoute {
  method: string;
  url: string;
  needs: Requirement;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every console and admin API route with what it needs, as registered (the matrix test walks them). */
    guardedRoutes: readonly GuardedRoute[];
  }
}

/**
 * Every console and admin API route names what it needs as it is registered, kept in its config
 * (`permission`) and listed in `app.guardedRoutes`; one that no rule names stops the server at start.
 */
export function declarePermissions(app: FastifyInstance): void {
  const routes: GuardedRoute[] = [];
  app.decorate('guardedRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (!isGuardedPath(route.url)) return;
    for (const method of [route.method].flat()) {
      const needs = requirementOf(method, route.url);
      if (!needs) throw new Error(`${method} ${route.url} has no rule in src/http/permissions.ts: add what it needs there`);
      route.config = { ...(route.config as object), permission: needs } as typeof route.config;
      routes.push({ method, url: route.url, needs });
    }
  });
}

/** The permission the matched route declared (declarePermissions); none on a 404. */
export function routePermission(request: FastifyRequest): Requirement | undefined {
  return (request.routeOptions.config as { permission?: Requirement } | undefined)?.permission;
}
