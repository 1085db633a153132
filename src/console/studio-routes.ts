// The studio: an issue edited in the browser, in forms, with the email previewed beside them.
//
//   GET  /admin/issues/:id/edit                  opens a new editor (a draft of the file as it is) → 303
//   GET  /admin/issues/:id/edit/:editor          the form and the previews of that editor's draft
//   POST /admin/issues/:id/edit/:editor          a button: save, add/remove/move, undo, overwrite… → 303
//   POST /admin/issues/:id/edit/:editor/draft    autosave after a pause in typing (htmx): the preview panel
//   GET  /admin/issues/:id/edit/:editor/preview.html   the draft as the email (sandboxed, for the frames)
//   GET  /admin/issues/:id/revisions             earlier versions; POST …/revisions/:n restores one as a draft
//
// Every form post first writes the form's values into the editor's draft (src/studio/), so no
// button loses what was typed. Saving writes the file only when it loads as an issue and the
// file on disk is still the version the editor began from (src/use-cases/save-issue.ts).
import { canOf } from './console-request.ts';
import { actorLabel } from '../team/actor.ts';
import { audit } from '../http/audit.ts';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { diffLines } from 'diff';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parsePath } from '../content/field-path.ts';
import { ContentError } from '../content/index.ts';
import { UserError } from '../errors.ts';
import { addFeedLinks } from '../studio/add-feed-links.ts';
import { addPapersToText } from '../studio/add-papers.ts';
import { storeImage } from '../studio/store-image.ts';
import type { AppContext } from '../http/app-context.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { DraftStore, type IssueDraft } from '../studio/draft-store.ts';
import { IssueDocument, type FormValues } from '../studio/issue-document.ts';
import { isSectionKind } from '../studio/issue-fields.ts';
import { saveIssueText, textHash } from '../use-cases/save-issue.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { issueFileOr404 } from './issue-file.ts';
import { consolePage } from './layout.ts';
import { STUDIO_SCRIPT } from './studio.js.ts';
import { studioMultipartParser, UPLOAD_FIELD, uploadsOf } from './studio-body.ts';
import { ARXIV_GROUP, ARXIV_INPUT, FEED_INPUT, fieldId, markdownPreviews, studioForm } from './studio-form.ts';
import { darkVersion, DraftRenders, findingsByPath, previewPanel } from './studio-preview.ts';
import { when } from './views.ts';

const params = z.object({ id: z.string().max(200) });
const editorParams = z.object({ id: z.string().max(200), editor: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'is not an editor of this issue') });
const previewQuery = z.object({ mode: z.enum(['light', 'dark']).default('light') });
const revisionParams = z.object({ id: z.string().max(200), n: z.coerce.number().int().min(0).max(1000) });
/** Field values come as they are; everything but these few names is a field path. */
const OP = /^(save|add-section|undo|overwrite|discard|(add|remove|up|down|reorder|papers|feed|upload):[A-Za-z0-9_.[\]]{1,200})$/;

const require = createRequire(import.meta.url);
/** The two libraries the studio's page loads (README: why these), served from node_modules. */
const ASSETS: Record<string, string> = {
  'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
  'Sortable.min.js': require.resolve('sortablejs/Sortable.min.js'),
};
const SCRIPTS = ['/admin/assets/htmx.min.js', '/admin/assets/Sortable.min.js'];
// htmx without eval, without <script> in swapped HTML and without the <style> it would inject.
const HTMX_CONFIG = html`<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0}'>`;
/** The studio's form carries the whole issue (the model issue's is about 90 KB) and maybe an image of up to 5 MB. */
const STUDIO_BODY_LIMIT = 8 * 1024 * 1024;
/** A feed larger than this is refused (issue 28: 2 MB). */
const FEED_MAX_BYTES = 2 * 1024 * 1024;
/** Who saves, for the revisions (one shared console login until users exist). */

export function studioRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  const drafts = new DraftStore(ctx.redis, ctx.keys);
  const renders = new DraftRenders({ assetsUrl: ctx.config.assetsUrl });
  const assetText = new Map<string, Promise<string>>();

  return async (app) => {
    // This scope's forms are multipart with many fields and maybe an image (studio-body.ts).
    app.removeContentTypeParser('multipart/form-data');
    app.addContentTypeParser('multipart/form-data', studioMultipartParser);

    const fileOf = (id: string) => issueFileOr404(ctx.config.emailsDir, id);

    const editorUrl = (id: string, editor: string) => `/admin/issues/${encodeURIComponent(id)}/edit/${editor}`;

    /** A new editor: a draft that is the file as it is now. */
    async function openEditor(id: string, file: string): Promise<IssueDraft> {
      const text = await readFile(file, 'utf8');
      const draft: IssueDraft = { editor: randomBytes(12).toString('base64url'), text, base: textHash(text), at: new Date().toISOString() };
      await drafts.put(id, draft);
      return draft;
    }

    async function draftOf(request: FastifyRequest): Promise<{ id: string; file: string; draft: IssueDraft }> {
      const { id, editor } = parseInput(editorParams, request.params, 'params');
      const file = await fileOf(id);
      const draft = await drafts.get(id, editor);
      if (!draft) throw new HttpInputError(404, 'this editor has expired or was closed; open the issue again');
      return { id, file, draft };
    }

    function page(request: FastifyRequest, reply: FastifyReply, m: ConsoleMessages, title: string, body: SafeHtml) {
      return sendPage(
        reply,
        200,
        consolePage({ m, title, path: request.url.split('?')[0]!, session: { csrf: reply.generateCsrf(), can: canOf(request) }, body }),
      );
    }

    app.get('/assets/:name', async (request, reply) => {
      const { name } = parseInput(z.object({ name: z.string().max(40) }), request.params, 'params');
      const path = ASSETS[name];
      if (!path) throw new HttpInputError(404, 'no such asset');
      if (!assetText.has(name)) assetText.set(name, readFile(path, 'utf8'));
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'private, max-age=86400')
        .send(await assetText.get(name));
    });

    app.get('/issues/:id/edit', async (request, reply) => {
      const { id } = parseInput(params, request.params, 'params');
      const file = await fileOf(id);
      const m = consoleLanguage(request, reply, cookies);
      const draft = await openEditor(id, file);
      // A draft left unsaved by an editor that is gone (a closed tab, a crash): say so, once.
      const disk = draft.text;
      const left = (await drafts.all(id)).find((d) => d.editor !== draft.editor && d.text !== disk && d.base === draft.base);
      const notice = left
        ? html`<p class="notice" role="status">${m.studio.draftFrom(when(left.at, m.lang))} <a href="${editorUrl(id, left.editor)}">${m.studio.openDraft}</a></p>`
        : undefined;
      return flash.redirect(request, reply, editorUrl(id, draft.editor), notice);
    });

    app.get('/issues/:id/edit/:editor', async (request, reply) => {
      const { id, file, draft } = await draftOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const notice = await flash.take(request);
      let doc: IssueDocument;
      try {
        doc = IssueDocument.parse(draft.text);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        return page(request, reply, m, id, html`<h1>${id}</h1>${notice ?? ''}<p class="notice error" role="alert">${m.studio.notYaml} ${error.message}</p>`);
      }
      const render = await renders.render(file, draft.text);
      const data = doc.data();
      const subject = typeof data.subject === 'string' && data.subject ? data.subject : id;
      const csrf = reply.generateCsrf();
      const url = editorUrl(id, draft.editor);
      const frameUrl = (mode: 'light' | 'dark') => `${url}/preview.html?mode=${mode}&v=${textHash(draft.text).slice(0, 16)}`;
      const body = html`<h1>${m.studio.title(subject)}</h1>
<p class="hint">${id} · <a href="/admin/issues/${encodeURIComponent(id)}">${m.studio.back}</a> · <a href="/admin/issues/${encodeURIComponent(id)}/revisions">${m.studio.revisions}</a></p>
${notice ?? ''}
<div class="studio">
<div class="studio-form">${studioForm({ m, action: url, draftAction: `${url}/draft`, csrf, base: draft.base, data, findings: findingsByPath(render) })}</div>
<aside class="studio-preview" id="studio-preview" aria-live="polite" aria-label="${m.preview}">${previewPanel(m, render, frameUrl)}</aside>
</div>`;
      return sendPage(
        reply,
        200,
        consolePage({
          m,
          title: m.studio.title(subject),
          path: request.url.split('?')[0]!,
          session: { csrf, can: canOf(request) },
          body,
          frameSrc: "'self'",
          scripts: SCRIPTS,
          script: STUDIO_SCRIPT,
          head: HTMX_CONFIG,
        }),
      );
    });

    /** The draft with the form's values written in; the draft as it was when the form cannot be applied. */
    function applied(draft: IssueDraft, body: FormValues): { doc: IssueDocument | null; text: string } {
      try {
        const doc = IssueDocument.parse(draft.text);
        doc.applyForm(body);
        return { doc, text: doc.toString() };
      } catch (error) {
        if (error instanceof UserError) return { doc: null, text: draft.text };
        throw error;
      }
    }

    app.post('/issues/:id/edit/:editor/draft', { preHandler: app.csrfProtection, bodyLimit: STUDIO_BODY_LIMIT }, async (request, reply) => {
      const { id, file, draft } = await draftOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const body = formBody(request.body);
      const { doc, text } = applied(draft, body);
      if (text !== draft.text) await drafts.put(id, { ...draft, text, at: new Date().toISOString() });
      const url = editorUrl(id, draft.editor);
      const render = await renders.render(file, text);
      const panel = previewPanel(m, render, (mode) => `${url}/preview.html?mode=${mode}&v=${textHash(text).slice(0, 16)}`);
      const previews = doc ? markdownPreviews(doc.data()) : html``;
      return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(`${panel.value}${previews.value}`);
    });

    app.post('/issues/:id/edit/:editor', { preHandler: app.csrfProtection, bodyLimit: STUDIO_BODY_LIMIT }, async (request, reply) => {
      const { id, file, draft } = await draftOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const body = formBody(request.body);
      const op = typeof body.op === 'string' && OP.test(body.op) ? body.op : 'save';
      const url = editorUrl(id, draft.editor);
      const now = new Date().toISOString();
      const back = (notice?: SafeHtml, anchor = '') => flash.redirect(request, reply, `${url}${anchor}`, notice);
      const fail = (error: unknown) => html`<p class="notice error" role="alert">${(error as Error).message}</p>`;

      if (op === 'discard') {
        const disk = await readFile(file, 'utf8');
        await drafts.put(id, { editor: draft.editor, text: disk, base: textHash(disk), at: now });
        return back(html`<p class="notice" role="status">${m.studio.discarded}</p>`);
      }
      if (op === 'undo') {
        if (draft.undo !== undefined) await drafts.put(id, { ...draft, text: draft.undo, at: now, undo: draft.text });
        return back();
      }

      let { doc, text } = applied(draft, body);
      // An image chosen in the form goes with whichever button was pressed.
      const upload = uploadsOf(request.body)[0];
      let uploadNotice: SafeHtml | undefined;
      if (upload && doc) {
        const imagePath = upload.field.slice(UPLOAD_FIELD.length);
        const newsletter = ctx.newsletters.all.find((n) => n.id === doc!.data().newsletter);
        try {
          if (!newsletter) throw new UserError('the issue names no newsletter of this site; fix its newsletter field first');
          const alt = String(body[`${imagePath}.alt`] ?? '');
          const stored = await storeImage({ bytes: upload.data, alt, emailsDir: ctx.config.emailsDir, newsletter: newsletter.id, fileName: upload.fileName });
          doc.applyForm({
            [`${imagePath}.src`]: stored.src,
            [`${imagePath}.width`]: String(stored.width),
            [`${imagePath}.height`]: String(stored.height),
            [`${imagePath}.alt`]: alt,
          });
          text = doc.toString();
          uploadNotice = html`<p class="notice" role="status">${m.studio.uploaded(stored.src, stored.width, stored.height, stored.scaled)}</p>`;
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          await drafts.put(id, { ...draft, text, at: now });
          return back(fail(error), `#${fieldId(imagePath)}`);
        }
      }
      if (op.startsWith('upload:')) {
        await drafts.put(id, { ...draft, text, at: now });
        const path = op.slice('upload:'.length);
        return back(uploadNotice ?? html`<p class="notice error" role="alert">${m.studio.uploadNone}</p>`, `#${fieldId(path)}`);
      }
      /** A section tool (papers, feed) that could not run: the draft as it stands does not load, or the tool's own one-sentence refusal. */
      const refusedTool = (error: unknown, path: string) => {
        if (!(error instanceof UserError)) throw error;
        const notice = error instanceof ContentError ? html`<p class="notice error" role="alert">${m.studio.notSaved(error.problems.length)}</p>` : fail(error);
        return back(notice, `#${fieldId(path)}`);
      };
      if (op.startsWith('papers:')) {
        const path = op.slice('papers:'.length);
        const sectionIndex = parsePath(path)[1];
        await drafts.put(id, { ...draft, text, at: now });
        try {
          const result = await addPapersToText({
            file,
            text,
            emailsDir: ctx.config.emailsDir,
            input: String(body[`${ARXIV_INPUT}${path}`] ?? ''),
            group: String(body[`${ARXIV_GROUP}${path}`] ?? '').trim() || undefined,
            arxiv: { apiUrl: ctx.config.arxivApiUrl, timeoutMs: ctx.config.arxivTimeoutMs, minIntervalMs: ctx.config.arxivMinIntervalMs },
            ...(typeof sectionIndex === 'number' ? { sectionIndex } : {}),
          });
          const failed = result.outcomes.some((o) => o.status === 'failed');
          if (!failed && result.added.length) await drafts.put(id, { ...draft, text: result.next, at: now });
          const list = html`<ul>${result.outcomes.map((o) => html`<li><strong>${m.studio.arxivStatus[failed && o.status === 'added' ? 'found' : o.status]}</strong> ${o.subject} ${o.message}</li>`)}</ul>`;
          return back(
            html`<div class="notice${failed ? ' error' : ''}" role="${failed ? 'alert' : 'status'}">${failed ? html`<p>${m.studio.arxivNothing}</p>` : ''}${list}</div>`,
            `#${fieldId(path)}`,
          );
        } catch (error) {
          return refusedTool(error, path);
        }
      }
      if (op.startsWith('feed:')) {
        const path = op.slice('feed:'.length);
        const sectionIndex = parsePath(path)[1];
        await drafts.put(id, { ...draft, text, at: now });
        try {
          const result = await addFeedLinks({
            file,
            text,
            emailsDir: ctx.config.emailsDir,
            sectionIndex: typeof sectionIndex === 'number' ? sectionIndex : -1,
            feedUrl: String(body[`${FEED_INPUT}${path}`] ?? ''),
            fetch: { timeoutMs: ctx.config.feedTimeoutMs, maxBytes: FEED_MAX_BYTES, allowHosts: ctx.config.feedAllowHosts },
          });
          if (result.added.length) await drafts.put(id, { ...draft, text: result.next, at: now });
          return back(html`<p class="notice" role="status">${m.studio.feedAdded(result.added.length, result.skipped)}</p>`, `#${fieldId(path)}`);
        } catch (error) {
          return refusedTool(error, path);
        }
      }
      if (op === 'save' || op === 'overwrite') {
        await drafts.put(id, { ...draft, text, at: now });
        const by = request.actor ? actorLabel(request.actor) : 'unknown';
        const outcome = await saveIssueText({ drafts }, { file, issueId: id, text, base: draft.base, by, overwrite: op === 'overwrite' });
        if (outcome.kind === 'conflict') return flash.redirect(request, reply, `${url}/conflict`);
        if (outcome.kind === 'invalid') return back(html`<p class="notice error" role="alert">${m.studio.notSaved(outcome.problems.length)}</p>`);
        await drafts.put(id, { editor: draft.editor, text, base: outcome.hash, at: now });
        if (!outcome.unchanged) audit(request, 'issue-save', id, op === 'overwrite' ? { over: 'theirs' } : undefined);
        return back(html`<p class="notice" role="status">${outcome.unchanged ? m.studio.unchanged : m.studio.saved}</p>`);
      }
      if (!doc) return back(html`<p class="notice error" role="alert">${m.studio.notYaml}</p>`);
      try {
        const [verb, path = ''] = op.split(/:(.*)/s) as [string, string?];
        let anchor = '';
        let undo: string | undefined;
        if (verb === 'add-section') {
          const kind = typeof body.newKind === 'string' && isSectionKind(body.newKind) ? body.newKind : 'text';
          anchor = `#${fieldId(`sections[${doc.addSection(kind)}]`)}`;
        } else if (verb === 'add') anchor = `#${fieldId(doc.addItem(path))}`;
        else if (verb === 'remove') {
          undo = text;
          doc.remove(path);
        } else if (verb === 'up' || verb === 'down') anchor = `#${fieldId(doc.move(path, verb === 'up' ? -1 : 1))}`;
        else if (verb === 'reorder')
          doc.reorder(
            path,
            String(body.order ?? '')
              .split(',')
              .map(Number),
          );
        await drafts.put(id, { ...draft, text: doc.toString(), at: now, ...(undo !== undefined ? { undo } : {}) });
        if (undo !== undefined) {
          const csrf = reply.generateCsrf();
          return back(
            html`<form method="post" action="${url}" class="notice row" role="status"><input type="hidden" name="_csrf" value="${csrf}">${m.studio.removed(path)} <button type="submit" class="secondary" name="op" value="undo">${m.studio.undo}</button></form>`,
          );
        }
        return back(undefined, anchor);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        await drafts.put(id, { ...draft, text, at: now });
        return back(fail(error));
      }
    });

    app.get('/issues/:id/edit/:editor/conflict', async (request, reply) => {
      const { id, file, draft } = await draftOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const disk = await readFile(file, 'utf8');
      const url = editorUrl(id, draft.editor);
      const csrf = reply.generateCsrf();
      const s = m.studio;
      return page(
        request,
        reply,
        m,
        s.conflictTitle,
        html`<h1>${s.conflictTitle}</h1><p>${s.conflictBody}</p>${diffView(disk, draft.text)}
<form method="post" action="${url}" class="row"><input type="hidden" name="_csrf" value="${csrf}">
<button type="submit" name="op" value="overwrite">${s.overwrite}</button>
<button type="submit" class="secondary" name="op" value="discard">${s.discardMine}</button>
<a class="button secondary" href="${url}">${s.back}</a></form>`,
      );
    });

    // The draft as the email, framed by the studio only; scripts never run (sandbox, CSP).
    app.get('/issues/:id/edit/:editor/preview.html', async (request, reply) => {
      const { file, draft } = await draftOf(request);
      const { mode } = parseInput(previewQuery, request.query ?? {}, 'query');
      const m = consoleLanguage(request, reply, cookies);
      const render = await renders.render(file, draft.text);
      // The draft may have become unloadable since the panel that frames this was drawn: a
      // frameable answer, not the console's error page (which no page may frame).
      const emailHtml = render.ok
        ? render.rendered.sample.html
        : html`<!doctype html><html lang="${m.lang}"><meta charset="utf-8"><title>${m.preview}</title><p style="font:15px sans-serif;margin:1rem">${m.studio.previewPending}</p></html>`
            .value;
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .send(mode === 'dark' ? darkVersion(emailHtml) : emailHtml);
    });

    app.get('/issues/:id/revisions', async (request, reply) => {
      const { id } = parseInput(params, request.params, 'params');
      await fileOf(id);
      const m = consoleLanguage(request, reply, cookies);
      const csrf = reply.generateCsrf();
      const list = await drafts.revisions(id);
      const s = m.studio;
      const current = await readFile(await fileOf(id), 'utf8');
      return page(
        request,
        reply,
        m,
        s.revisions,
        html`<h1>${s.revisions}: ${id}</h1><p class="hint"><a href="/admin/issues/${encodeURIComponent(id)}/edit">${s.edit}</a></p>
${
  list.length
    ? list.map(
        (r, n) => html`<section><h2>${s.revisionBy(when(r.at, m.lang), r.by)}</h2>${diffView(r.text, current)}
<form method="post" action="/admin/issues/${encodeURIComponent(id)}/revisions/${n}"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${s.restore}</button></form></section>`,
      )
    : html`<p>${s.noRevisions}</p>`
}`,
      );
    });

    app.post('/issues/:id/revisions/:n', { preHandler: app.csrfProtection }, async (request, reply) => {
      const { id, n } = parseInput(revisionParams, request.params, 'params');
      const file = await fileOf(id);
      const m = consoleLanguage(request, reply, cookies);
      const revision = (await drafts.revisions(id))[n];
      if (!revision) throw new HttpInputError(404, 'no such version (the list keeps the newest 50)');
      const draft = await openEditor(id, file);
      await drafts.put(id, { ...draft, text: revision.text });
      audit(request, 'issue-restore', id, { version: revision.at });
      return flash.redirect(
        request,
        reply,
        editorUrl(id, draft.editor),
        html`<p class="notice" role="status">${m.studio.restored(when(revision.at, m.lang))}</p>`,
      );
    });
  };
}

/** Form fields as posted (urlencoded, or the multipart parser's fields): strings, or arrays for a repeated name. */
function formBody(body: unknown): FormValues & { op?: unknown; order?: unknown; newKind?: unknown } {
  if (!body || typeof body !== 'object') return {};
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value as string[];
  }
  return out;
}

/** The lines that differ between two versions of a file (removed, then added), with a little context. */
export function diffView(before: string, after: string): SafeHtml {
  const parts = diffLines(before, after);
  if (!parts.some((p) => p.added || p.removed)) return html`<p class="hint">=</p>`;
  return html`<pre class="text diff" tabindex="0">${parts.map((p) => {
    const lines = p.value.replace(/\n$/, '').split('\n');
    if (p.added) return html`<ins>${lines.map((l) => `+ ${l}\n`)}</ins>`;
    if (p.removed) return html`<del>${lines.map((l) => `- ${l}\n`)}</del>`;
    const shown = lines.length > 6 ? [...lines.slice(0, 3), '…', ...lines.slice(-3)] : lines;
    return shown.map((l) => `  ${l}\n`);
  })}</pre>`;
}
