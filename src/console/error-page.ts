// Errors inside the console, in the console's frame and language: what was wrong, and the way back.
import type { FastifyRequest } from 'fastify';
import { html } from '../http/views/html.ts';
import type { Page } from '../http/views/layout.ts';
import { consolePage } from './layout.ts';
import { consoleLocale, consoleMessages } from './console-messages/index.ts';
import { LANG_COOKIE } from './console-request.ts';

export function consoleErrorPage(request: FastifyRequest, status: number, message: string): Page {
  const m = consoleMessages(consoleLocale(request.cookies?.[LANG_COOKIE], request.headers['accept-language']));
  const text = status === 403 ? m.forbidden : message;
  return consolePage({
    m,
    title: m.errorTitle,
    path: request.url.split('?')[0] ?? '/admin',
    body: html`<h1>${m.errorTitle}</h1><p class="notice error" role="alert">${text}</p><p><a href="/admin">${m.back}</a></p>`,
  });
}
