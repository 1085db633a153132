// Team members for console tests: invited through the console as the setup (ADMIN_TOKEN) or an
// admin would, and brought in through their invitation link as the member would.
import { expect } from 'vitest';
import type { Role } from '../../src/team/roles.ts';
import { ConsoleClient } from './console-client.ts';
import type { FastifyInstance } from 'fastify';

export const PASSWORD = 'correct horse battery staple';

let clients = 0;
/** A browser of its own address (10.9.x.y), so that one test's many logins meet no per-client limit. */
export function newClient(app: FastifyInstance): ConsoleClient {
  clients += 1;
  return new ConsoleClient(app, `10.9.${(clients >> 8) & 255}.${clients & 255}`);
}

/** The invitation link a Team page notice shows once, as a path. */
export function inviteLinkIn(page: string): string {
  const link = /<code>(https?:\/\/[^<]+\/admin\/invite\/[^<]+)<\/code>/.exec(page)?.[1];
  if (!link) throw new Error(`no invitation link on the page:\n${page.slice(0, 2000)}`);
  return new URL(link).pathname;
}

/** `admin` (logged in, holding users:manage) invites `email`; the member follows the link and sets PASSWORD. Returns the member's logged-in client. */
export async function inviteAndJoin(app: FastifyInstance, admin: ConsoleClient, email: string, role: Role, password = PASSWORD): Promise<ConsoleClient> {
  await admin.get('/admin/team');
  const page = await admin.submit('/admin/team/invite', { email, role });
  expect(page.body).toContain(`Invited ${email}`);
  const member = newClient(app);
  await member.get(inviteLinkIn(page.body));
  const joined = await member.post(inviteLinkIn(page.body), { password, confirm: password });
  expect(joined.statusCode, joined.body.slice(0, 500)).toBe(303);
  return member;
}

/** A new client logged in as a member with their password. */
export async function logIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<ConsoleClient> {
  const client = newClient(app);
  await client.get('/admin/login');
  const res = await client.post('/admin/login', { email, password });
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  return client;
}

/** The setup: ADMIN_TOKEN's session (only while no member has a password). */
export async function setupSession(app: FastifyInstance, token: string): Promise<ConsoleClient> {
  const client = newClient(app);
  const res = await client.login(token);
  expect(res.statusCode).toBe(303);
  return client;
}
