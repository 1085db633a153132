// GET /api/openapi.json: an OpenAPI 3.1 description of the admin API, its request schemas
// generated from the same zod schemas the routes validate with (z.toJSONSchema), so the
// description cannot drift from what the routes accept.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { requirementOf } from '../permissions.ts';
import { campaignSchemas as c } from './admin-campaigns.ts';
import { subscriberSchemas as s } from './admin-subscribers.ts';

type Schema = Record<string, unknown>;
const json = (schema: z.ZodType): Schema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
};

/** Path or query parameters from a zod object: one entry per property. */
function parameters(schema: z.ZodObject, where: 'path' | 'query'): Schema[] {
  const { properties = {}, required = [] } = json(schema) as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(properties).map(([name, p]) => ({ name, in: where, required: where === 'path' || required.includes(name), schema: p }));
}

const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const answers = (ok: string, okText: string, more: Record<string, string> = {}) => ({
  [ok]: { description: okText },
  400: { description: 'The input is not valid: `message` names the field' },
  401: { description: 'No or a wrong bearer token' },
  ...Object.fromEntries(Object.entries(more).map(([code, description]) => [code, { description }])),
});

/**
 * Each operation's scope, from the route table every API route is guarded by
 * (src/http/permissions.ts): named in `security` (OpenAPI 3.1 lets a bearer scheme list the
 * roles it needs), in `x-scope`, in its description, and with the 403 a token without it gets.
 */
function withScopes(paths: Record<string, Record<string, Schema>>): Record<string, Record<string, Schema>> {
  const out: Record<string, Record<string, Schema>> = {};
  for (const [path, operations] of Object.entries(paths)) {
    out[path] = {};
    for (const [method, operation] of Object.entries(operations)) {
      const needs = requirementOf(method, `/api${path.replace(/\{(\w+)\}/g, ':$1')}`);
      if (!needs || needs === 'public') throw new Error(`openapi: ${method.toUpperCase()} ${path} has no rule in src/http/permissions.ts`);
      const scoped = needs !== 'signed-in';
      out[path][method] = {
        ...operation,
        ...(scoped
          ? {
              'x-scope': needs,
              description: `Needs an API token with the scope \`${needs}\` (or ADMIN_TOKEN).`,
              security: [{ bearer: [needs] }],
              responses: { ...(operation.responses as Schema), 403: { description: `The token lacks the scope \`${needs}\`` } },
            }
          : {}),
      };
    }
  }
  return out;
}

export function openApiDocument(publicUrl: string): Schema {
  const issue = parameters(c.params, 'path');
  const subscriber = parameters(s.idParams, 'path');
  const control = (action: string, what: string) => ({
    post: {
      summary: what,
      parameters: issue,
      responses: answers('200', `The send's status after ${action}`, { 404: 'No such send', 409: `Cannot ${action} it in its state` }),
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'newsletter admin API',
      version: '1',
      description:
        "Subscribers and sends. Every route takes `Authorization: Bearer <API token>` (a member makes one on the console's Account page, with scopes: subscribers:read, subscribers:write, campaigns:read, campaigns:send, reports:read), or ADMIN_TOKEN, which may do everything. Each operation names the scope it needs.",
    },
    servers: [{ url: `${publicUrl}/api` }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: withScopes({
      '/subscribers': {
        get: {
          summary: 'List subscribers (filters, cursor paging) or find one by ?email=',
          parameters: parameters(s.listQuery, 'query'),
          responses: answers('200', '{ subscribers, next }'),
        },
        post: {
          summary: 'Add a subscriber: confirmed, or by double opt-in',
          requestBody: body(s.addBody),
          responses: answers('201', 'Created (confirmed)', {
            200: 'Already there, updated (an unsubscribed one joins this list again, the consent recorded as a grant)',
            202: 'Confirmation mail queued',
            409: 'Confirmed add of a bounced or complained address: refused (`reason: "suppressed"`); only its own double opt-in brings it back',
          }),
        },
      },
      '/subscribers/counts': {
        get: { summary: 'Subscribers by status', parameters: parameters(s.countsQuery, 'query'), responses: answers('200', '{ list, counts }') },
      },
      '/subscribers/{id}': {
        get: { summary: 'One subscriber', parameters: subscriber, responses: answers('200', 'The subscriber', { 404: 'No such subscriber' }) },
        patch: {
          summary: 'Name, locale, or unsubscribe from every list',
          parameters: subscriber,
          requestBody: body(s.patchBody),
          responses: answers('200', 'The subscriber after the change', { 404: 'No such subscriber' }),
        },
        delete: {
          summary: 'Remove for good (running sends let them go first)',
          parameters: subscriber,
          responses: answers('204', 'Removed', { 404: 'No such subscriber' }),
        },
      },
      '/campaigns': {
        get: { summary: 'Recent sends with their counts', parameters: parameters(c.listQuery, 'query'), responses: answers('200', '{ sends }') },
        post: {
          summary: 'Publish and send (or schedule with `at`) the issue `issueId`',
          requestBody: body(c.sendBody.extend({ issueId: c.params.shape.issueId })),
          responses: answers('202', 'Started or scheduled', { 404: 'No such issue file', 409: 'It runs, or is done', 422: 'Lint errors (`findings`)' }),
        },
      },
      '/campaigns/{issueId}': {
        get: {
          summary: "A send's status",
          parameters: issue,
          responses: answers('200', 'state, total, queued, sent, failed, bounced, skipped, unknown, possibleDuplicates', { 404: 'No such send' }),
        },
      },
      '/campaigns/{issueId}/report': {
        get: {
          summary:
            'How the issue did: delivered, bounced, complaints, unsubscribes from it, clicks (people, unique, machines) per link; counted without a record of who',
          parameters: issue,
          responses: answers(
            '200',
            'issueId, state, sent, delivered, bounced, failed, lateBounces, complaints, unsubscribes, domains (bounced, deferred, failed by receiving domain), clicks (null when untracked), rates, timeline (sentPerMinute; clicksPerHour for 7 days, null when untracked), recent (this issue and up to four before it of the same list, oldest first, with their rates)',
            {
              404: 'No such send',
            },
          ),
        },
      },
      '/campaigns/{issueId}/send': {
        post: {
          summary: 'Publish and send (or schedule) this issue',
          parameters: issue,
          requestBody: body(c.sendBody),
          responses: answers('202', 'Started or scheduled', { 404: 'No such issue file', 409: 'It runs, or is done', 422: 'Lint errors (`findings`)' }),
        },
      },
      '/campaigns/{issueId}/test-send': {
        post: {
          summary: 'A [TEST] copy to the given addresses only',
          parameters: issue,
          requestBody: body(c.testSendBody),
          responses: answers('202', 'Test send started', { 404: 'No such issue file', 422: 'Not an address, or lint errors' }),
        },
      },
      '/campaigns/{issueId}/pause': control('pause', 'Pause: no new transaction starts once it answers'),
      '/campaigns/{issueId}/resume': control('resume', 'Resume a paused send'),
      '/campaigns/{issueId}/cancel': control('cancel', 'Cancel: the rest is counted skipped'),
    }),
  };
}

export function openApiRoutes(ctx: AppContext): FastifyPluginAsync {
  const document = openApiDocument(ctx.config.publicUrl);
  return async (app) => {
    app.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-store').send(document));
  };
}
