// GET /issues: published issues, newest first. GET /issues/:id: the issue as it was mailed, with
// every personal token removed (the unsubscribe link becomes a subscribe link) and a bar with
// previous/next links to the neighbouring issues of the same newsletter.
// GET /issues/:id/events/:n.ics: the issue's n-th event (counted from 1 over the issue) as an
// iCalendar file, for the "Add to calendar" link; 404 for an event without a start.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CONTENT_ID } from '../../content/schema.ts';
import { eventIcs, stripPersonalTokens } from '../../render/index.ts';
import { stringsFor, isLocale } from '../../render/strings.ts';
import type { AppContext } from '../app-context.ts';
import { HttpInputError, parseInput, sendPage, wantsJson } from '../respond.ts';
import { ISSUE_PAGE_CSP, issueHref, issueNavBar, withFeedLink, withNavBar, archiveListPage } from '../views/archive-pages.ts';
import { feedHref } from './feeds.ts';
import { subscribeHref } from '../views/subscription-pages.ts';

const listQuery = z.object({ newsletter: z.string().max(100).optional() });

export function archiveRoutes(ctx: AppContext): FastifyPluginAsync {
  const notFound = () => new HttpInputError(404, 'No published issue with this id.');

  return async (app) => {
    app.get('/issues', async (request, reply) => {
      const q = parseInput(listQuery, request.query, 'query');
      const selected = q.newsletter ? ctx.newsletters.byId(q.newsletter) : undefined;
      if (q.newsletter && !selected) throw new HttpInputError(404, `No newsletter "${q.newsletter}".`);
      const entries = await ctx.archive.list(selected?.id);
      if (wantsJson(request)) {
        return reply
          .header('cache-control', 'public, max-age=60')
          .send({ issues: entries.map((e) => ({ ...e, url: `${ctx.config.publicUrl}${issueHref(e.issueId)}` })) });
      }
      const brand = selected ?? ctx.newsletters.default;
      const page = archiveListPage({
        brand,
        locale: brand.locale,
        subscribeHref: subscribeHref(brand.id),
        entries,
        showNewsletter: !selected && ctx.newsletters.all.length > 1,
        ...(selected ? { feed: { href: feedHref(selected.id), title: selected.name } } : {}),
      });
      return sendPage(reply, 200, page, 'public');
    });

    app.get('/issues/:id/events/:n.ics', async (request, reply) => {
      const { id, n } = parseInput(z.object({ id: z.string(), n: z.string() }), request.params, 'params');
      if (!CONTENT_ID.test(id) || !/^[1-9]\d{0,3}$/.test(n)) throw new HttpInputError(404, 'No such event in this issue.');
      const published = await ctx.archive.get(id);
      if (!published) throw notFound();
      const event = published.rendered.events?.find((e) => e.n === Number(n));
      if (!event) throw new HttpInputError(404, 'No such event in this issue.');
      const strings = stringsFor(isLocale(published.locale) ? published.locale : undefined, published.rendered.labels);
      const ics = eventIcs(event, {
        uid: `${id}-${event.n}@${new URL(ctx.config.publicUrl).hostname}`,
        stamp: published.publishedAt,
        registerLabel: strings.register,
      });
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}-${event.n}.ics"`)
        .header('cache-control', 'public, max-age=300')
        .send(ics);
    });

    app.get('/issues/:id', async (request, reply) => {
      const { id } = parseInput(z.object({ id: z.string() }), request.params, 'params');
      if (!CONTENT_ID.test(id)) throw notFound();
      const published = await ctx.archive.get(id);
      if (!published) throw notFound();

      const newsletter = ctx.newsletters.byId(published.newsletterId);
      const subscribeUrl = `${ctx.config.publicUrl}${subscribeHref(published.newsletterId)}`;
      const viewOnlineUrl = `${ctx.config.publicUrl}${issueHref(id)}`;
      const { html } = stripPersonalTokens(published.rendered, { subscribeUrl, viewOnlineUrl });

      // Neighbours in the newsletter's own sequence; the list is newest first.
      const siblings = await ctx.archive.list(published.newsletterId);
      const at = siblings.findIndex((e) => e.issueId === id);
      const bar = issueNavBar({
        locale: published.locale,
        brandColor: newsletter?.brandColor ?? '',
        ...(at >= 0 && siblings[at + 1] ? { previous: siblings[at + 1] } : {}),
        ...(at > 0 && siblings[at - 1] ? { next: siblings[at - 1] } : {}),
        archiveHref: `/issues?newsletter=${encodeURIComponent(published.newsletterId)}`,
        subscribeHref: subscribeHref(published.newsletterId),
      });
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', ISSUE_PAGE_CSP)
        .header('cache-control', 'public, max-age=300')
        .send(withNavBar(newsletter ? withFeedLink(html, { href: feedHref(newsletter.id), title: newsletter.name }) : html, bar));
    });
  };
}
