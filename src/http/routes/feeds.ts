// GET /feeds/:newsletter.xml: an Atom 1.0 feed of the newsletter's published issues, newest
// first, each entry linking its web version at /issues/:id. Built with `feed`.
import { Feed } from 'feed';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CONTENT_ID } from '../../content/schema.ts';
import type { AppContext } from '../app-context.ts';
import { HttpInputError, parseInput } from '../respond.ts';
import { issueHref } from '../views/archive-pages.ts';

const params = z.object({ file: z.string().max(120) });

export function feedHref(newsletterId: string): string {
  return `/feeds/${newsletterId}.xml`;
}

export function feedRoutes(ctx: AppContext): FastifyPluginAsync {
  // A feed with no issue yet was last changed when this server began serving it.
  const servingSince = new Date();
  return async (app) => {
    app.get('/feeds/:file', async (request, reply) => {
      const { file } = parseInput(params, request.params, 'params');
      const id = file.endsWith('.xml') ? file.slice(0, -4) : '';
      const newsletter = CONTENT_ID.test(id) ? ctx.newsletters.byId(id) : undefined;
      if (!newsletter) throw new HttpInputError(404, `No feed "${file.slice(0, 120)}"; feeds are /feeds/<newsletter>.xml.`);
      const base = ctx.config.publicUrl;
      const entries = await ctx.archive.list(newsletter.id);
      const self = `${base}${feedHref(newsletter.id)}`;
      const feed = new Feed({
        id: self,
        title: newsletter.name,
        link: `${base}/issues?newsletter=${encodeURIComponent(newsletter.id)}`,
        language: newsletter.locale,
        copyright: newsletter.organisation,
        author: { name: newsletter.organisation },
        feedLinks: { atom: self },
        // The newest issue's date; a feed with none yet: since when this server serves it (stable for caches).
        updated: entries[0] ? new Date(entries[0].date) : servingSince,
      });
      for (const e of entries) {
        const url = `${base}${issueHref(e.issueId)}`;
        feed.addItem({ id: url, link: url, title: e.subject, date: new Date(e.date), ...(e.summary ? { description: e.summary } : {}) });
      }
      return reply.header('content-type', 'application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(feed.atom1());
    });
  };
}
