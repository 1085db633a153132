// What a member of the team may do: the permissions, the three roles over them, and the scopes
// an API token may carry. The routes that need each permission are named in
// src/http/permissions.ts.

export const PERMISSIONS = [
  'issues:read',
  'issues:edit',
  'issues:test-send',
  'campaigns:read',
  'campaigns:send',
  'reports:read',
  'subscribers:read',
  'subscribers:write',
  'subscribers:import',
  'subscribers:export',
  'subscribers:delete',
  'users:manage',
  'audit:read',
  'settings:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['writer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const WRITER: readonly Permission[] = ['issues:read', 'issues:edit', 'issues:test-send', 'campaigns:read', 'reports:read'];

/** Writers assemble and test an issue; editors also send and control sends; admins also hold the list, users and settings. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  writer: WRITER,
  editor: [...WRITER, 'campaigns:send'],
  admin: PERMISSIONS,
};

/** The scopes an API token may carry: a subset of the permissions, named as in the OpenAPI description. */
export const API_SCOPES = [
  'subscribers:read',
  'subscribers:write',
  'campaigns:read',
  'campaigns:send',
  'reports:read',
] as const satisfies readonly Permission[];
export type ApiScope = (typeof API_SCOPES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** `public`: no session needed (the login page); `signed-in`: any session or token, no permission (the API's description). */
export type Requirement = Permission | 'public' | 'signed-in';
