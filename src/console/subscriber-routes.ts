// GET /admin/subscribers: counts per state (all lists and each), find one by address, page
// through a list, add (confirmed or by double opt-in), remove, export as CSV, and a CSV import
// in two steps (upload and preview of the first rows, then import). The same store, use cases
// and CSV code as the CLI's `subscribers` commands and the admin API.
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import { rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { exportSubscribers } from '../subscribers/csv-export.ts';
import { normaliseEmail, sanitiseDisplayName } from '../subscribers/email-address.ts';
import { SEARCH_KINDS, type SearchKind } from '../subscribers/search-index.ts';
import { SUBSCRIBER_STATUSES, type Subscriber } from '../subscribers/types.ts';
import { filterQuery, type SubscriberFilter } from './subscriber-filter.ts';
import { addSubscriber } from '../use-cases/add-subscriber.ts';
import type { AppContext } from '../http/app-context.ts';
import { consentOf } from '../http/consent.ts';
import { consentTextResolver } from '../http/views/messages.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import { csvUploadParser, CsvUploads, headOf, type CsvUploadBody, type UploadedFile } from './csv-upload.ts';
import { ImportJobs } from './import-jobs.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { subscriberHref } from './subscriber-page-routes.ts';
import { when } from './views.ts';

const PAGE_SIZE = 25;
const PREVIEW_ROWS = 5;

const listQuery = z.object({
  match: z.literal('1').optional(),
  q: z.string().max(320).optional(),
  kind: z.enum(SEARCH_KINDS as [SearchKind, ...SearchKind[]]).optional(),
  list: z.string().max(100).optional(),
  status: z.union([z.enum(SUBSCRIBER_STATUSES), z.literal('')]).optional(),
  cursor: z.string().max(200).optional(),
  lang: z.string().max(10).optional(),
});
const addForm = z.object({
  email: z.string().max(320).default(''),
  name: z.string().max(300).optional(),
  list: z.string().max(100),
  confirmed: z.string().max(8).optional(),
  _csrf: z.string().optional(),
});
const importForm = z.object({ upload: z.string().max(64), _csrf: z.string().optional() });
const jobParams = z.object({ job: z.string().max(64) });

/** The first rows of a CSV's start (the last, maybe cut, line is left out). */
function previewRows(head: string): string[][] {
  const whole = head.includes('\n') ? head.slice(0, head.lastIndexOf('\n')) : head;
  return parse(whole, { bom: true, relax_column_count: true, skip_empty_lines: true, to: PREVIEW_ROWS + 1 }) as string[][];
}

export function subscriberRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  return async (app) => {
    const store = ctx.store;
    const uploads = new CsvUploads(ctx.redis, ctx.keys);
    const jobs = new ImportJobs(ctx.redis, ctx.keys, { ...ctx.subscription, store, rateLimitPerSecond: ctx.config.rateLimitPerSecond }, (error) =>
      app.log.error({ err: error }, 'console import failed'),
    );
    const lists = [...new Set(ctx.newsletters.all.map((n) => n.listId))];
    const listOf = (raw: string | undefined): string => {
      const id = raw || ctx.newsletters.default.listId;
      if (!lists.includes(id)) throw new HttpInputError(400, `list: no list "${id.slice(0, 100)}" (known: ${lists.join(', ')})`);
      return id;
    };

    function row(m: ConsoleMessages, s: Subscriber): SafeHtml {
      return html`<tr><td><a href="${subscriberHref(s.id)}" aria-label="${m.sub.open(s.email)}">${s.email}</a></td><td>${s.name ?? ''}</td><td>${m.subs.status[s.status]}</td><td>${s.lists.join(', ')}</td><td>${when(s.createdAt, m.lang)}</td></tr>`;
    }

    /** The search and filters of the list page, as the query string gives them. */
    function filterOf(q: z.infer<typeof listQuery>): SubscriberFilter {
      const listId = q.list ? listOf(q.list) : null;
      return { text: (q.q ?? '').trim(), kind: q.kind ?? 'auto', listId, status: q.status || null };
    }

    function bulkLinks(m: ConsoleMessages, filter: SubscriberFilter): SafeHtml {
      const c = m.subs;
      const query = filterQuery(filter);
      return html`<div class="row" data-bulk><a class="button secondary" href="/admin/subscribers/export.csv?match=1&${query}" download>${c.bulkExport}</a>${filter.listId ? html`<a class="button secondary" href="/admin/subscribers/bulk?action=unsubscribe&${query}">${c.bulkUnsubscribe(filter.listId)}</a>` : ''}<a class="button danger" href="/admin/subscribers/bulk?action=delete&${query}">${c.bulkDelete}</a></div>`;
    }

    function table(m: ConsoleMessages, subscribers: readonly Subscriber[]): SafeHtml {
      const c = m.subs;
      return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${c.email}</th><th scope="col">${c.name}</th><th scope="col">${m.columns.state}</th><th scope="col">${c.lists}</th><th scope="col">${c.joined}</th></tr></thead><tbody>${subscribers.map((s) => row(m, s))}</tbody></table></div>`;
    }

    async function show(request: FastifyRequest, reply: FastifyReply, notice?: SafeHtml, statusCode = 200, extra?: SafeHtml) {
      const m = consoleLanguage(request, reply, cookies);
      const q = request.method === 'GET' ? parseInput(listQuery, request.query) : {};
      listOf(q.list); // an unknown ?list= is a 400, as on every other page
      const csrf = reply.generateCsrf();
      const [whole, ...perList] = await Promise.all([ctx.store.countByStatus(null), ...lists.map((l) => ctx.store.countByStatus(l))]);
      const c = m.subs;
      const counts = html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${c.list}</th>${SUBSCRIBER_STATUSES.map((s) => html`<th scope="col" class="n">${c.status[s]}</th>`)}</tr></thead><tbody>
<tr><th scope="row">${c.whole}</th>${SUBSCRIBER_STATUSES.map((s) => html`<td class="n" data-count="all-${s}">${whole![s]}</td>`)}</tr>
${lists.map((l, i) => html`<tr><th scope="row">${l}</th>${SUBSCRIBER_STATUSES.map((s) => html`<td class="n" data-count="${l}-${s}">${perList[i]![s]}</td>`)}</tr>`)}</tbody></table></div>`;
      const filter = filterOf(q);
      const result = await ctx.store.search({ ...filter, cursor: q.cursor ?? null, limit: PAGE_SIZE });
      const found = html`<p role="status" data-match-count="${result.count}">${c.matches(result.count, result.countIsExact)}</p>${result.subscribers.length ? table(m, result.subscribers) : ''}${result.next ? html`<p><a href="/admin/subscribers?${filterQuery(filter)}&cursor=${result.next}">${c.next}</a></p>` : ''}
${result.count > 0 ? bulkLinks(m, filter) : ''}`;
      const body = html`<h1>${c.title}</h1>${notice ?? ''}${extra ?? ''}
<section><h2>${c.counts}</h2>${counts}</section>
<section aria-labelledby="search"><h2 id="search">${c.searchLabel}</h2>
<form method="get" action="/admin/subscribers" class="filters"><div><label for="q">${c.searchText}</label><input type="search" id="q" name="q" value="${filter.text}" aria-describedby="q-hint" autocomplete="off"></div>
<div><label for="kind">${c.searchKind}</label><select id="kind" name="kind">${SEARCH_KINDS.map((k) => html`<option value="${k}"${k === filter.kind ? html` selected` : ''}>${c.kinds[k]}</option>`)}</select></div>
<div><label for="filter-list">${c.list}</label><select id="filter-list" name="list"><option value="">${c.whole}</option>${lists.map((l) => html`<option value="${l}"${l === filter.listId ? html` selected` : ''}>${l}</option>`)}</select></div>
<div><label for="filter-status">${m.columns.state}</label><select id="filter-status" name="status"><option value="">${c.anyStatus}</option>${SUBSCRIBER_STATUSES.map((st) => html`<option value="${st}"${st === filter.status ? html` selected` : ''}>${c.status[st]}</option>`)}</select></div>
<p class="hint" id="q-hint">${c.searchHint}</p><button type="submit">${c.searchButton}</button></form>
${found}</section>
<section aria-labelledby="add"><h2 id="add">${c.addTitle}</h2>
<form method="post" action="/admin/subscribers/add"><input type="hidden" name="_csrf" value="${csrf}">
<label for="add-email">${c.email}</label><input type="email" id="add-email" name="email" required autocomplete="off">
<label for="add-name">${c.name}</label><input type="text" id="add-name" name="name" autocomplete="off">
<label for="add-list">${c.list}</label><select id="add-list" name="list">${lists.map((l) => html`<option value="${l}">${l}</option>`)}</select>
<p class="row"><input type="checkbox" id="add-confirmed" name="confirmed" value="yes" aria-describedby="add-confirmed-hint"><label for="add-confirmed" class="inline">${c.confirmedLabel}</label></p><p class="hint" id="add-confirmed-hint">${c.confirmedHint}</p>
<button type="submit">${c.addButton}</button></form></section>
<section aria-labelledby="import"><h2 id="import">${c.importTitle}</h2>
<form method="post" action="/admin/subscribers/import" enctype="multipart/form-data"><input type="hidden" name="_csrf" value="${csrf}">
<label for="import-list">${c.list}</label><select id="import-list" name="list">${lists.map((l) => html`<option value="${l}">${l}</option>`)}</select>
<label for="import-file">${c.fileLabel}</label><input type="file" id="import-file" name="file" accept=".csv,text/csv" required aria-describedby="import-hint"><p class="hint" id="import-hint">${c.fileHint}</p>
<p class="row"><input type="checkbox" id="import-confirmed" name="confirmed" value="yes"><label for="import-confirmed" class="inline">${c.confirmedLabel}</label></p>
<button type="submit">${c.previewButton}</button></form></section>
<section aria-labelledby="export"><h2 id="export">${c.exportTitle}</h2><form method="get" action="/admin/subscribers/export.csv" class="row"><label for="export-list" class="inline">${c.list}</label><select id="export-list" name="list">${lists.map((l) => html`<option value="${l}">${l}</option>`)}</select><button type="submit">${c.exportButton}</button></form></section>
`;
      return sendPage(reply, statusCode, consolePage({ m, title: c.title, path: '/admin/subscribers', session: { csrf, can: canOf(request) }, body }));
    }

    app.get('/subscribers', async (request, reply) => show(request, reply, await flash.take(request)));
    const back = (request: FastifyRequest, reply: FastifyReply, notice: SafeHtml) => flash.redirect(request, reply, '/admin/subscribers', notice);
    const problem = (text: string) => html`<p class="notice error" role="alert">${text}</p>`;

    // ?list=L: every member of L. ?match=1 with the list page's filter: whoever the search finds
    // (read only, so no question first; the list page shows the count beside the link).
    app.get('/subscribers/export.csv', async (request, reply) => {
      const q = parseInput(listQuery, request.query);
      const filter = q.match ? filterOf(q) : null;
      const list = filter ? filter.listId : listOf(q.list);
      const name = filter ? `${list ?? 'all'}-matching` : list;
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-subscribers.csv"`)
        .header('cache-control', 'no-store');
      const out = new PassThrough();
      audit(request, 'export', list ?? 'all', filter ? { matching: true } : undefined);
      const consentText = consentTextResolver(ctx.newsletters.all.map((n) => n.name));
      const select = filter ? (cursor: string | null, limit: number) => ctx.store.search({ ...filter, cursor, limit }) : undefined;
      void exportSubscribers(ctx.store, out, { ...(list ? { listId: list } : {}), ...(select ? { select } : {}), consentText }).catch((error: unknown) =>
        out.destroy(error as Error),
      );
      return reply.send(out);
    });

    app.post('/subscribers/add', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const form = parseInput(addForm, request.body);
      const listId = listOf(form.list);
      const email = normaliseEmail(form.email);
      if (!email) return back(request, reply, problem(m.notAnAddress));
      const name = sanitiseDisplayName(form.name);
      const newsletter = ctx.newsletters.byList(listId)!;
      const outcome = await addSubscriber(ctx.subscription, {
        email,
        ...(name ? { name } : {}),
        newsletter,
        confirmed: form.confirmed === 'yes',
        consent: consentOf(request, 'console-v1', 'api'),
        source: 'console',
      });
      // A 4xx that changes nothing: the editor reads why and what to do instead.
      if (outcome.kind === 'refused') throw new HttpInputError(409, m.subs.refusedSuppressed(outcome.subscriber.email, m.subs.status[outcome.status]));
      audit(request, 'subscriber-add', (outcome.kind === 'added' && outcome.subscriber?.id) || '', { list: listId, confirmed: form.confirmed === 'yes' });
      return back(request, reply, html`<p class="notice" role="status">${outcome.kind === 'added' ? m.subs.added(email) : m.subs.confirmationSent(email)}</p>`);
    });

    // Step 1: the upload, parsed by this scope's own multipart parser, kept for the preview.
    await app.register(async (upload) => {
      upload.removeContentTypeParser('multipart/form-data');
      upload.addContentTypeParser('multipart/form-data', csvUploadParser);
      upload.post(
        '/subscribers/import',
        {
          preHandler: upload.csrfProtection,
          preValidation: async (request) => {
            // The CSRF check reads body._csrf: lift the form fields to the top.
            const body = request.body as CsvUploadBody | undefined;
            if (body && typeof body === 'object' && 'fields' in body) (request as { body: unknown }).body = { ...body.fields, _file: body.file };
          },
        },
        async (request, reply) => {
          const m = consoleLanguage(request, reply, cookies);
          const body = (request.body ?? {}) as Record<string, unknown> & { _file?: UploadedFile };
          const file = body._file;
          const discard = () => (file ? rm(file.path, { force: true }) : undefined);
          let listId: string;
          try {
            listId = listOf(typeof body.list === 'string' ? body.list : undefined);
          } catch (error) {
            await discard();
            throw error;
          }
          const head = file ? await headOf(file.path) : '';
          if (!file || !head.trim()) {
            await discard();
            return back(request, reply, problem(m.subs.noFile));
          }
          try {
            previewRows(head);
          } catch (error) {
            await discard();
            return back(request, reply, problem(`${file.name}: ${(error as Error).message.split('\n')[0]}`));
          }
          const id = await uploads.save({ ...file, listId, confirmed: body.confirmed === 'yes' });
          return flash.redirect(request, reply, `/admin/subscribers/import/${id}`);
        },
      );
    });

    // The preview of an upload: its first rows, the list they go to and whether they count as consented.
    app.get('/subscribers/import/:upload', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const { upload: id } = parseInput(importForm, request.params);
      const upload = await uploads.load(id);
      if (!upload) return back(request, reply, problem(m.subs.uploadExpired));
      const [header = [], ...data] = previewRows(await headOf(upload.path));
      const csrf = reply.generateCsrf();
      const preview = html`<section aria-labelledby="preview"><h2 id="preview">${m.subs.previewTitle(upload.name || 'CSV', upload.bytes)}</h2>
<p class="notice" role="status" data-import-target>${m.subs.importTarget(upload.listId, upload.confirmed)}</p>
<div class="table-wrap" tabindex="0"><table><thead><tr>${header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${data.slice(0, PREVIEW_ROWS).map((r) => html`<tr>${r.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody></table></div>
<form method="post" action="/admin/subscribers/import/confirm" class="row"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="upload" value="${id}"><button type="submit">${m.subs.importButton}</button> <a class="button secondary" href="/admin/subscribers">${m.cancelButton}</a></form></section>`;
      return show(request, reply, await flash.take(request), 200, preview);
    });

    // Step 2: the import itself, in the background, through the same code as `newsletter subscribers import`.
    app.post('/subscribers/import/confirm', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const { upload: id } = parseInput(importForm, request.body);
      const upload = await uploads.load(id);
      if (!upload) return back(request, reply, problem(m.subs.uploadExpired));
      await uploads.remove(id, { keepFile: true });
      const job = await jobs.start(upload);
      audit(request, 'import', upload.listId, { job, confirmed: upload.confirmed });
      return flash.redirect(request, reply, `/admin/subscribers/import/jobs/${job}`);
    });

    // Its progress: the page reloads itself every two seconds while it runs (no script needed).
    app.get('/subscribers/import/jobs/:job', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const { job: id } = parseInput(jobParams, request.params);
      const job = await jobs.get(id);
      if (!job) throw new HttpInputError(404, 'There is no such import (an import is shown for a day).');
      const c = m.subs;
      const running = job.state === 'running';
      const body = html`<h1>${c.importJobTitle(job.name || 'CSV')}</h1>
<section aria-labelledby="progress" data-import-job="${job.state}"><h2 id="progress">${c.importState[job.state]}</h2>
<p>${c.importTarget(job.listId, job.confirmed)}</p>
<progress max="${Math.max(1, job.bytes)}" value="${job.state === 'done' ? job.bytes : job.bytesRead}">${Math.round((100 * job.bytesRead) / Math.max(1, job.bytes))} %</progress>
<p role="status" data-import-counts>${c.imported({ imported: job.imported, updated: job.updated, skipped: job.skipped, errors: job.errors })}${job.confirmationsQueued ? ` ${c.confirmationsQueued(job.confirmationsQueued)}` : ''}</p>
${job.failure ? html`<p class="notice error" role="alert">${job.failure}</p>` : ''}
${job.errorLines.length ? html`<ul>${job.errorLines.map((e) => html`<li class="finding">${job.name}:${e}</li>`)}</ul>` : ''}
<p><a href="/admin/subscribers">${m.back}</a></p></section>`;
      reply.header('cache-control', 'no-store');
      return sendPage(
        reply,
        200,
        consolePage({
          m,
          title: c.importJobTitle(job.name || 'CSV'),
          path: request.url.split('?')[0]!,
          session: { csrf: reply.generateCsrf(), can: canOf(request) },
          body,
          ...(running ? { refreshSeconds: 2 } : {}),
        }),
      );
    });
  };
}
