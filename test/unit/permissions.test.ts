// The route table of src/http/permissions.ts (issue 31): each role holds what the issue gives it,
// every kind of console and API route maps to the permission it should, and nothing unknown passes.
import { describe, expect, it } from 'vitest';
import { API_SCOPES, isGuardedPath, PERMISSIONS, requirementOf, ROLE_PERMISSIONS, roleAllows } from '../../src/http/permissions.ts';

describe('roles', () => {
  it('gives writers the issue, its preview and a test send; editors also sending; admins everything', () => {
    expect(ROLE_PERMISSIONS.writer).toEqual(['issues:read', 'issues:edit', 'issues:test-send', 'campaigns:read', 'reports:read']);
    expect(ROLE_PERMISSIONS.editor).toEqual([...ROLE_PERMISSIONS.writer, 'campaigns:send']);
    expect(ROLE_PERMISSIONS.admin).toEqual(PERMISSIONS);
    for (const scope of API_SCOPES) expect(PERMISSIONS).toContain(scope);
  });

  it('lets no writer or editor near the list, users or settings', () => {
    for (const role of ['writer', 'editor'] as const)
      for (const p of [
        'subscribers:read',
        'subscribers:write',
        'subscribers:import',
        'subscribers:export',
        'subscribers:delete',
        'users:manage',
        'settings:manage',
      ] as const)
        expect(roleAllows(role, p), `${role} ${p}`).toBe(false);
    expect(roleAllows('writer', 'campaigns:send')).toBe(false);
    expect(roleAllows('editor', 'campaigns:send')).toBe(true);
  });
});

describe('requirementOf', () => {
  it.each([
    ['GET', '/admin/login', 'public'],
    ['POST', '/admin/logout', 'public'],
    ['GET', '/admin/', 'issues:read'],
    ['HEAD', '/admin/issues/:id', 'issues:read'],
    ['GET', '/admin/issues/:id/edit/:editor/preview.html', 'issues:edit'],
    ['POST', '/admin/issues/:id/revisions/:n', 'issues:edit'],
    ['POST', '/admin/issues/:id/test-send', 'issues:test-send'],
    ['GET', '/admin/issues/:id/send', 'campaigns:send'],
    ['POST', '/admin/issues/:id/send', 'campaigns:send'],
    ['GET', '/admin/sends/:id/status.json', 'campaigns:read'],
    ['POST', '/admin/sends/:id/pause', 'campaigns:send'],
    ['GET', '/admin/sends/:id/cancel', 'campaigns:send'],
    ['GET', '/admin/subscribers', 'subscribers:read'],
    ['POST', '/admin/subscribers/bulk', 'subscribers:write'],
    ['POST', '/admin/subscribers/:id/delete', 'subscribers:delete'],
    ['POST', '/admin/subscribers/import', 'subscribers:import'],
    ['GET', '/admin/subscribers/export.csv', 'subscribers:export'],
    ['POST', '/admin/doctor', 'settings:manage'],
    ['GET', '/admin/queues/api/queues', 'settings:manage'],
    ['GET', '/api/openapi.json', 'signed-in'],
    ['GET', '/api/campaigns/:issueId/report', 'reports:read'],
    ['GET', '/api/campaigns', 'campaigns:read'],
    ['POST', '/api/campaigns/:issueId/cancel', 'campaigns:send'],
    ['GET', '/api/subscribers/:id', 'subscribers:read'],
    ['DELETE', '/api/subscribers/:id', 'subscribers:write'],
  ])('%s %s needs %s', (method, url, needs) => {
    expect(isGuardedPath(url)).toBe(true);
    expect(requirementOf(method, url)).toBe(needs);
  });

  it('names nothing it does not know, and guards only the console and the API', () => {
    expect(requirementOf('GET', '/admin/something-new')).toBeNull();
    expect(requirementOf('POST', '/api/newsletters')).toBeNull();
    expect(isGuardedPath('/unsubscribe/:token')).toBe(false);
    expect(isGuardedPath('/administrator')).toBe(false);
  });
});

describe('declarePermissions', () => {
  it('stops a server whose new console or API route has no rule, and keeps each rule in the route config', async () => {
    const { default: Fastify } = await import('fastify');
    const { declarePermissions } = await import('../../src/http/permissions.ts');
    const app = Fastify();
    declarePermissions(app);
    app.get('/admin/sends/:id', { config: { kept: true } }, async (request) => request.routeOptions.config);
    app.get('/issues/:id', async () => 'public archive: not guarded');
    expect(() => app.get('/admin/something-new', async () => '')).toThrow('GET /admin/something-new has no rule in src/http/permissions.ts');
    const res = await app.inject({ method: 'GET', url: '/admin/sends/x' });
    expect(res.json()).toMatchObject({ kept: true, permission: 'campaigns:read' });
    await app.close();
  });
});
