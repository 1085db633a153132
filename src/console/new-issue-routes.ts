// POST /admin/issues/new: "Start the next issue" on the issues page. Writes the draft of the
// chosen newsletter's next issue (src/use-cases/start-next-issue.ts) and answers 303 to its
// issue page, where lint names what is left to fill; a draft already there is never replaced.
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import type { AppContext } from '../http/app-context.ts';
import { HttpInputError, parseInput } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { startNextIssue } from '../use-cases/start-next-issue.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';

const form = z.object({ newsletter: z.string().max(100), start: z.enum(['latest', 'empty']).default('latest'), _csrf: z.string().optional() });

/** The form on the issues page. */
export function newIssueForm(m: ConsoleMessages, csrf: string, newsletters: ReadonlyArray<{ id: string; name: string }>): SafeHtml {
  const c = m.newIssue;
  return html`<section aria-labelledby="new-issue"><h2 id="new-issue">${c.title}</h2>
<form method="post" action="/admin/issues/new"><input type="hidden" name="_csrf" value="${csrf}">
<label for="new-issue-newsletter">${c.newsletter}</label><select id="new-issue-newsletter" name="newsletter">${newsletters.map((n) => html`<option value="${n.id}">${n.name} (${n.id})</option>`)}</select>
<fieldset><legend>${c.startFrom}</legend>
<p class="row"><input type="radio" id="new-issue-latest" name="start" value="latest" checked><label for="new-issue-latest" class="inline">${c.fromLatest}</label></p>
<p class="row"><input type="radio" id="new-issue-empty" name="start" value="empty"><label for="new-issue-empty" class="inline">${c.empty}</label></p></fieldset>
<button type="submit">${c.button}</button></form></section>`;
}

export function newIssueRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  return async (app) => {
    app.post('/issues/new', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const input = parseInput(form, request.body);
      const newsletter = ctx.newsletters.all.find((n) => n.id === input.newsletter);
      if (!newsletter) throw new HttpInputError(400, `newsletter: no newsletter "${input.newsletter.slice(0, 100)}"`);
      try {
        const started = await startNextIssue(ctx.config.emailsDir, newsletter, { empty: input.start === 'empty' });
        audit(request, 'issue-new', started.id);
        return flash.redirect(
          request,
          reply,
          `/admin/issues/${started.id}`,
          html`<p class="notice" role="status">${m.newIssue.started(started.id, started.number, started.date, started.fromNumber)}</p>`,
        );
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        return flash.redirect(request, reply, '/admin', html`<p class="notice error" role="alert">${error.message}</p>`);
      }
    });
  };
}
