// How the app answers: HTML pages for browsers, JSON for API clients, and one error type for
// bad input, so every route says "what was wrong" the same way and never turns it into a 5xx.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Page } from './views/layout.ts';

/** A client error with a message safe to show (never contains internals). */
export class HttpInputError extends Error {
  override name = 'HttpInputError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    /** More for an API client (e.g. lint findings), added to the JSON answer. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** JSON when the client sent JSON or asks only for JSON; pages otherwise (browsers, curl). */
export function wantsJson(request: FastifyRequest): boolean {
  // Webhook callers are programs (SNS posts JSON as text/plain): always JSON.
  if (request.url.startsWith('/webhooks/')) return true;
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function sendPage(reply: FastifyReply, statusCode: number, page: Page, cache: 'no-store' | 'public' = 'no-store'): FastifyReply {
  return reply
    .code(statusCode)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', page.csp)
    .header('cache-control', cache === 'public' ? 'public, max-age=300' : 'no-store')
    .send(page.html);
}

/**
 * Parses `value` with a zod schema or throws a 400 naming the first bad field, as `body.email`
 * for API clients or, without `where` (the console's forms), as the form field's own name.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where?: 'body' | 'query' | 'params'): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const name = where ? `${where}${field ? `.${field}` : ''}` : (field ?? 'form');
  throw new HttpInputError(400, `${name}: ${issue?.message ?? 'is invalid'}`, field);
}
