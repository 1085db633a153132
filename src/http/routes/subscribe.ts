// GET /subscribe: the form. POST /subscribe (form or JSON): starts double opt-in and answers
// 202 with the same page or JSON whatever the address's state (no enumeration).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { normaliseEmail, sanitiseDisplayName } from '../../subscribers/email-address.ts';
import { pageContext, type AppContext } from '../app-context.ts';
import { consentOf } from '../consent.ts';
import { HttpInputError, parseInput, sendPage, wantsJson } from '../respond.ts';
import { requestSubscription } from '../../use-cases/subscription-flow.ts';
import { consentTextVersion, messagesFor } from '../views/messages.ts';
import { checkInboxPage, subscribeFormPage } from '../views/subscription-pages.ts';

const query = z.object({ newsletter: z.string().max(100).optional() });

const body = z.object({
  email: z.string({ error: 'is required: the address to subscribe' }).max(320, 'is too long'),
  name: z.string().max(300, 'is too long').optional(),
  newsletter: z.string().max(100).optional(),
  /** Honeypot: hidden from people, filled in by form-spamming bots. */
  website: z.string().max(1000).optional(),
});

export function subscribeRoutes(ctx: AppContext): FastifyPluginAsync {
  function pick(id: string | undefined) {
    if (id === undefined || id === '') return ctx.newsletters.default;
    const newsletter = ctx.newsletters.byId(id);
    if (!newsletter)
      throw new HttpInputError(400, `newsletter: no newsletter "${id}" (known: ${ctx.newsletters.all.map((n) => n.id).join(', ')})`, 'newsletter');
    return newsletter;
  }

  return async (app) => {
    app.get('/subscribe', async (request, reply) => {
      const q = parseInput(query, request.query, 'query');
      const newsletter = pick(q.newsletter);
      return sendPage(reply, 200, subscribeFormPage(pageContext(ctx, newsletter), { newsletters: ctx.newsletters.all }), 'public');
    });

    app.post('/subscribe', { config: { rateLimit: { max: ctx.config.subscribeRateLimitPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
      const json = wantsJson(request);
      const raw = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
      const newsletter = pick(typeof raw.newsletter === 'string' ? raw.newsletter : parseInput(query, request.query, 'query').newsletter);
      const m = messagesFor(newsletter.locale);
      const page = pageContext(ctx, newsletter);

      const parsed = body.safeParse(raw);
      const email = parsed.success ? normaliseEmail(parsed.data.email) : null;
      if (!parsed.success || email === null) {
        const issue = parsed.success ? undefined : parsed.error.issues[0];
        const field = issue ? issue.path.join('.') : 'email';
        const message = issue ? `body.${field}: ${issue.message}` : `body.email: ${m.invalidEmail}`;
        if (json) throw new HttpInputError(400, message, field);
        // Browsers get the form back, filled in, with the problem next to the field.
        const values = {
          email: typeof raw.email === 'string' ? raw.email.slice(0, 320) : '',
          name: typeof raw.name === 'string' ? raw.name.slice(0, 100) : '',
        };
        return sendPage(
          reply,
          400,
          subscribeFormPage(page, {
            newsletters: ctx.newsletters.all,
            values,
            ...(field === 'email' ? { emailError: m.invalidEmail } : { formError: message }),
          }),
        );
      }

      if (parsed.data.website) {
        request.log.info('subscribe: honeypot filled, ignored');
      } else {
        const name = sanitiseDisplayName(parsed.data.name);
        const result = await requestSubscription(ctx.subscription, {
          email,
          ...(name ? { name } : {}),
          newsletter,
          consent: consentOf(request, consentTextVersion(m, newsletter.name), 'form'),
        });
        request.log.info({ result, list: newsletter.listId }, 'subscribe request');
        ctx.metrics.subscribes.inc({ newsletter: newsletter.id });
      }
      if (json)
        return reply
          .code(202)
          .header('cache-control', 'no-store')
          .send({ ok: true, message: m.checkInboxBody(ctx.config.confirmTtlHours) });
      return sendPage(reply, 202, checkInboxPage(page));
    });
  };
}
