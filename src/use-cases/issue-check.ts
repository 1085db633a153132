// An issue file as the console sees it: rendered and linted once per version of the file (its
// size and modification time), so the home page can say which issues have errors without
// rendering every file on every visit, and the issue page shows the same findings.
import { stat } from 'node:fs/promises';
import { ContentError, type ContentProblem } from '../content/index.ts';
import type { LocatedFinding } from '../content/index.ts';
import { UserError } from '../errors.ts';
import { renderIssueFile, type RenderedIssueFile } from './render-issue-file.ts';

export type IssueCheck = { ok: true; rendered: RenderedIssueFile } | { ok: false; error: string; problems: readonly ContentProblem[] };

/** Errors first, then warnings; each by line (findings without a line last). */
export function sortFindings(findings: readonly LocatedFinding[]): LocatedFinding[] {
  const rank = (f: LocatedFinding) => (f.level === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b) || (a.line ?? Infinity) - (b.line ?? Infinity));
}

export class IssueChecks {
  private readonly cache = new Map<string, { version: string; check: Promise<IssueCheck> }>();

  constructor(private readonly opts: { assetsUrl: string; maxEntries?: number }) {}

  /** The check of the file as it is now; the same promise while the file is unchanged. */
  async check(file: string): Promise<IssueCheck> {
    const info = await stat(file);
    const version = `${info.size}:${info.mtimeMs}`;
    const hit = this.cache.get(file);
    if (hit?.version === version) return hit.check;
    const check = this.run(file);
    this.cache.delete(file);
    this.cache.set(file, { version, check });
    // Oldest out first: a console never holds more than a few hundred renders.
    while (this.cache.size > (this.opts.maxEntries ?? 200)) this.cache.delete(this.cache.keys().next().value!);
    return check;
  }

  private async run(file: string): Promise<IssueCheck> {
    try {
      // With the client-support check, as `newsletter lint` runs it: the console shows the same findings.
      const rendered = await renderIssueFile(file, { assetsUrl: this.opts.assetsUrl, clientSupport: true });
      return { ok: true, rendered: { ...rendered, findings: sortFindings(rendered.findings) } };
    } catch (error) {
      if (error instanceof ContentError) return { ok: false, error: error.message, problems: error.problems };
      if (error instanceof UserError) return { ok: false, error: error.message, problems: [] };
      throw error;
    }
  }
}
