// `newsletter bench studio`: how long an editor waits, on this machine, between an edit in the
// studio and the new preview, for the model issue. Over HTTP against a running server (the CLI
// starts one on a free port, with real Redis under a fresh key prefix and a copy of emails/):
// log in, open an editor, then N times post the whole form with one field changed (what the page
// does after a pause in typing) and read the answer (the new preview panel), then fetch the
// preview frame it names (what the browser does next; the render is shared, so a cache hit).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formValuesOf } from '../studio/form-values.ts';
import { IssueDocument } from '../studio/issue-document.ts';
import { type MachineInfo, machineInfo, quantile } from './result.ts';

export interface StudioBenchOptions {
  /** The server's base URL (http://127.0.0.1:port). */
  baseUrl: string;
  adminToken: string;
  emailsDir: string;
  issueId: string;
  edits: number;
  log: (line: string) => void;
}

export interface Timing {
  p50: number;
  p99: number;
  max: number;
}

export interface StudioBenchResult {
  machine: MachineInfo;
  issueId: string;
  edits: number;
  /** Fields the form posts each time. */
  fields: number;
  /** ms: the first render of the issue (opening the editor page). */
  openMs: number;
  /** ms: an edit posted → the new preview panel received (render, lint, draft saved). */
  editToPanel: Timing;
  /** ms: the preview frame the panel names, fetched after it. */
  frame: Timing;
  /** ms: both, as the editor waits for them. */
  editToPreview: Timing;
  targets: Array<{ name: string; ok: boolean; value: string; target: string }>;
}

export const STUDIO_P99_TARGET_MS = 300;

class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string; body: string }> {
    const response = await fetch(new URL(path, this.base), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return { status: response.status, location: response.headers.get('location') ?? '', body: await response.text() };
  }
}

const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(quantile(sorted, 0.5)), p99: round(quantile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
}

export async function runStudioBench(opts: StudioBenchOptions): Promise<StudioBenchResult> {
  const browser = new Browser(opts.baseUrl);
  const login = await browser.request('/admin/login');
  const loggedIn = await browser.request('/admin/login', { form: { token: opts.adminToken, _csrf: csrfOf(login.body) } });
  if (loggedIn.status !== 303) throw new Error(`bench studio: logging in answered ${loggedIn.status}`);
  const opened = await browser.request(`/admin/issues/${opts.issueId}/edit`);
  const editor = opened.location;
  let started = performance.now();
  const page = await browser.request(editor);
  const openMs = performance.now() - started;
  if (page.status !== 200) throw new Error(`bench studio: the editor page answered ${page.status}`);
  const csrf = csrfOf(page.body);
  const text = await readFile(join(opts.emailsDir, 'issues', `${opts.issueId}.yaml`), 'utf8');
  const values = formValuesOf(IssueDocument.parse(text).data());
  // Fields an editor types in, in turn: the subject, the preheader, a summary.
  const edited = ['subject', 'preheader', Object.keys(values).find((k) => k.endsWith('.summary')) ?? 'theme'];
  const toPanel: number[] = [];
  const frames: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < opts.edits; i++) {
    const field = edited[i % edited.length]!;
    const form = { ...values, _csrf: csrf, [field]: `${values[field] ?? ''} ${i}` };
    started = performance.now();
    const panel = await browser.request(`${editor}/draft`, { form });
    const panelAt = performance.now();
    if (panel.status !== 200) throw new Error(`bench studio: edit ${i + 1} answered ${panel.status}`);
    const src = /src="([^"]+preview\.html[^"]*)"/.exec(panel.body)?.[1]?.replaceAll('&amp;', '&');
    if (!src) throw new Error(`bench studio: edit ${i + 1}: the panel names no preview`);
    const frame = await browser.request(src);
    const done = performance.now();
    if (frame.status !== 200) throw new Error(`bench studio: the preview frame answered ${frame.status}`);
    toPanel.push(panelAt - started);
    frames.push(done - panelAt);
    total.push(done - started);
    if ((i + 1) % 50 === 0) opts.log(`  ${i + 1} edits`);
  }
  const editToPreview = timing(total);
  return {
    machine: machineInfo(),
    issueId: opts.issueId,
    edits: opts.edits,
    fields: Object.keys(values).length,
    openMs: Math.round(openMs),
    editToPanel: timing(toPanel),
    frame: timing(frames),
    editToPreview,
    targets: [
      {
        name: 'edit → preview p99',
        ok: editToPreview.p99 <= STUDIO_P99_TARGET_MS,
        value: `${editToPreview.p99} ms`,
        target: `≤ ${STUDIO_P99_TARGET_MS} ms`,
      },
    ],
  };
}

export function formatStudioTable(r: StudioBenchResult): string {
  const t = (x: Timing) => `p50 ${x.p50} ms · p99 ${x.p99} ms · max ${x.max} ms`;
  return [
    `bench studio: ${r.edits} edits of ${r.issueId} (${r.fields} fields posted each time)`,
    '',
    `  machine                ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
    `  open the editor        ${r.openMs} ms (first render)`,
    `  edit → new panel       ${t(r.editToPanel)}`,
    `  the preview frame      ${t(r.frame)}`,
    `  edit → preview         ${t(r.editToPreview)}`,
    '',
    '  targets:',
    ...r.targets.map((x) => `  ${x.ok ? 'ok  ' : 'MISS'} ${x.name}: ${x.value} (target ${x.target})`),
  ].join('\n');
}
