// One place that turns every failure into an answer: client errors keep their 4xx status and
// get a page or JSON saying what was wrong; anything else is logged and answered with a plain
// 500 that reveals nothing. Unknown routes get the 404 page.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UserError } from '../errors.ts';
import { consoleErrorPage } from '../console/error-page.ts';
import type { NewsletterDirectory } from '../http/newsletter-directory.ts';
import { HttpInputError, sendPage, wantsJson } from '../http/respond.ts';
import { errorPage, subscribeHref, type ErrorKind } from '../http/views/subscription-pages.ts';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function kindOf(status: number): ErrorKind {
  const key = String(status);
  if (key === '404' || key === '413' || key === '415' || key === '429' || key === '500') return key;
  return status >= 500 ? '500' : '400';
}

/**
 * Errors of a malformed body that the parsers throw without a status (busboy's, under
 * @fastify/multipart): the client's mistake, so 400, never 500.
 */
const MALFORMED_BODY =
  /^(Multipart: |Unexpected end of (form|multipart data)|Malformed (part header|urlencoded form)|Part terminated early|Unexpected end of file)/;

export interface ErrorAnswerDeps {
  newsletters: NewsletterDirectory;
  confirmTtlHours: number;
}

/** Fastify's own request errors (a URL it cannot decode, a bad content type…) in our style. */
export function frameworkErrorAnswer(deps: ErrorAnswerDeps) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    return answerWith(deps, request, reply, status, error.code === 'FST_ERR_BAD_URL' ? 'The address is not valid (a broken %-escape?).' : error.message);
  };
}

function answerWith(deps: ErrorAnswerDeps, request: FastifyRequest, reply: FastifyReply, status: number, message: string, details?: Record<string, unknown>) {
  if (wantsJson(request) || request.url.startsWith('/api/')) {
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .send({ ...details, statusCode: status, error: REASONS[status] ?? 'Error', message });
  }
  if (request.url === '/admin' || request.url.startsWith('/admin/') || request.url.startsWith('/admin?'))
    return sendPage(reply, status, consoleErrorPage(request, status, message));
  const newsletter = deps.newsletters.namedBy(request.url);
  const ctx = { newsletter, subscribeHref: subscribeHref(newsletter.id), confirmTtlHours: deps.confirmTtlHours };
  const kind = kindOf(status);
  // Only our own input errors carry a message worth showing under the page's own words.
  return sendPage(reply, status, errorPage(ctx, kind, kind === '400' || kind === '415' ? message : undefined));
}

export function installErrorHandlers(app: FastifyInstance, deps: ErrorAnswerDeps): void {
  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, message: string, details?: Record<string, unknown>) =>
    answerWith(deps, request, reply, status, message, details);

  app.setErrorHandler((error: FastifyError | HttpInputError | UserError, request, reply) => {
    // A UserError from a lower layer (e.g. the store rejecting a field) is the client's mistake.
    const code = (error as { statusCode?: unknown }).statusCode;
    const status = typeof code === 'number' ? code : error instanceof UserError || MALFORMED_BODY.test(error.message) ? 400 : 500;
    if (status >= 400 && status < 500) {
      if (MALFORMED_BODY.test(error.message)) return answer(request, reply, 400, `The request body is malformed: ${error.message}.`);
      if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer realm="newsletter"');
      return answer(request, reply, status, error.message, error instanceof HttpInputError ? error.details : undefined);
    }
    request.log.error({ err: error }, 'request failed');
    return answer(request, reply, 500, 'Something went wrong on our side.');
  });

  app.setNotFoundHandler((request, reply) => answer(request, reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`));
}
