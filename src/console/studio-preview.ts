// The studio's live preview: the draft rendered as readers will see it (desktop 600 px, phone
// 375 px, dark mode), its text part, its size against Gmail's clip, and the findings (schema
// problems and lint) also given as data for the script that puts them beside their fields.
// One render per version of the text (keyed by its hash), shared by the panel and its frames.
import { ContentError, type ContentProblem, type LocatedFinding } from '../content/index.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { sortFindings } from '../use-cases/issue-check.ts';
import { renderIssueFile, type RenderedIssueFile } from '../use-cases/render-issue-file.ts';
import { textHash } from '../use-cases/save-issue.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { levelBadge } from './issue-routes.ts';

export type DraftRender = { ok: true; rendered: RenderedIssueFile } | { ok: false; problems: readonly ContentProblem[] };

/** The findings of a render by field path, for the form. */
export function findingsByPath(render: DraftRender): Map<string, Pick<LocatedFinding, 'level' | 'message'>[]> {
  const out = new Map<string, Pick<LocatedFinding, 'level' | 'message'>[]>();
  const add = (path: string | undefined, level: 'error' | 'warning', message: string) => {
    if (!path) return;
    const list = out.get(path) ?? [];
    list.push({ level, message });
    out.set(path, list);
  };
  if (render.ok) for (const f of render.rendered.findings) add(f.path, f.level, f.message);
  else for (const p of render.problems) add(p.field, 'error', p.problem);
  return out;
}

export class DraftRenders {
  private readonly cache = new Map<string, Promise<DraftRender>>();

  constructor(private readonly opts: { assetsUrl: string; maxEntries?: number }) {}

  /** The text rendered as the file `file` would be; the same promise for the same text. */
  render(file: string, text: string): Promise<DraftRender> {
    const key = `${file}\n${textHash(text)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const render = this.run(file, text);
    this.cache.set(key, render);
    while (this.cache.size > (this.opts.maxEntries ?? 50)) this.cache.delete(this.cache.keys().next().value!);
    return render;
  }

  private async run(file: string, text: string): Promise<DraftRender> {
    try {
      const rendered = await renderIssueFile(file, { assetsUrl: this.opts.assetsUrl, text });
      return { ok: true, rendered: { ...rendered, findings: sortFindings(rendered.findings) } };
    } catch (error) {
      if (error instanceof ContentError) return { ok: false, problems: error.problems };
      throw error;
    }
  }
}

/** The email's HTML as a reader in dark mode sees it: its dark-scheme rules applied whatever the console's scheme. */
export function darkVersion(emailHtml: string): string {
  return emailHtml.replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/g, 'all').replace(/\(\s*prefers-color-scheme\s*:\s*light\s*\)/g, 'not all');
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** The panel beside the form: findings, size, the three previews and the text part. */
export function previewPanel(m: ConsoleMessages, render: DraftRender, frameUrl: (mode: 'light' | 'dark') => string): SafeHtml {
  const data = JSON.stringify(
    Object.fromEntries([...findingsByPath(render)].map(([path, list]) => [path, list.map((f) => ({ ...f, label: m.levels[f.level] }))])),
  );
  const marker = html`<div id="studio-findings-data" hidden data-findings="${data}"></div>`;
  if (!render.ok) {
    return html`${marker}<h2>${m.lint}</h2><p class="notice error" role="status">${m.sendBlocked(render.problems.length)}</p>
<ul>${render.problems.map((p) => html`<li class="finding error-text">${levelBadge(m, 'error')} ${p.line}${p.field ? ` ${p.field}` : ''}: ${p.problem}</li>`)}</ul>
<p class="hint">${m.studio.previewPending}</p>`;
  }
  const { rendered } = render;
  const report = rendered.rendered.report;
  const findings = rendered.findings.length
    ? html`<ul>${rendered.findings.map((f) => html`<li class="finding${f.level === 'error' ? ' error-text' : ''}">${levelBadge(m, f.level)} ${f.line ?? ''}${f.path ? ` ${f.path}` : ''}: ${f.message}</li>`)}</ul>`
    : html`<p>${m.lintClean}</p>`;
  return html`${marker}<h2>${m.lint}</h2>${findings}
<p>${m.sizeLine(kb(report.encodedHtmlBytes), kb(report.budgetBytes), report.encodedHtmlBytes > report.budgetBytes)}</p>
<h2>${m.preview}</h2><div class="previews">
<figure class="desktop"><figcaption>${m.desktop}</figcaption><iframe title="${m.preview}: ${m.desktop}" src="${frameUrl('light')}" sandbox></iframe></figure>
<figure class="phone"><figcaption>${m.phone}</figcaption><iframe title="${m.preview}: ${m.phone}" src="${frameUrl('light')}" sandbox></iframe></figure>
<figure class="phone"><figcaption>${m.phone} · ${m.studio.dark}</figcaption><iframe title="${m.preview}: ${m.phone}, ${m.studio.dark}" src="${frameUrl('dark')}" sandbox></iframe></figure>
</div>
<h2>${m.textPart}</h2><pre class="text" tabindex="0">${rendered.sample.text}</pre>`;
}
