// Turns lint findings (field paths) into `file:line` locations for the editor: paths starting
// with `newsletter.` belong to the newsletter settings file, the rest to the issue file.
import { join } from 'node:path';
import type { ContentError } from './content-error.ts';
import type { LintFinding } from './findings.ts';
import { displayPath, parsePath } from './field-path.ts';
import { readYamlSource } from './load-file.ts';
import type { YamlSource } from './yaml-source.ts';

export interface LocatedFinding extends LintFinding {
  file: string;
  line?: number;
}

export async function locateFindings(
  findings: readonly LintFinding[],
  where: { issueFile: string; emailsDir: string; newsletterId: string; issueSource?: YamlSource },
): Promise<LocatedFinding[]> {
  const sources = new Map<string, Promise<YamlSource | undefined>>();
  // The files were just loaded successfully; a failure here only loses the line number.
  const source = (path: string) => {
    if (!sources.has(path))
      sources.set(
        path,
        readYamlSource(path).catch(() => undefined),
      );
    return sources.get(path)!;
  };
  const newsletterFile = join(where.emailsDir, 'newsletters', `${where.newsletterId}.yaml`);
  // Text not on disk (the studio's draft) is located in that text.
  if (where.issueSource) sources.set(where.issueFile, Promise.resolve(where.issueSource));

  return Promise.all(
    findings.map(async (finding) => {
      const inNewsletter = finding.path?.startsWith('newsletter.') ?? false;
      const path = inNewsletter ? finding.path!.slice('newsletter.'.length) : finding.path;
      const filePath = inNewsletter ? newsletterFile : where.issueFile;
      const line = path ? (await source(filePath))?.lineOf(parsePath(path)) : undefined;
      return { ...finding, path, file: displayPath(filePath), line };
    }),
  );
}

/** A content file that does not load (YAML or schema), as lint findings: one error per problem, in file order. */
export function contentErrorFindings(error: ContentError): LocatedFinding[] {
  return error.problems.map((p) => ({ level: 'error', file: p.file, line: p.line, path: p.field, message: p.problem }));
}

/** `file:line path: error: message`, one finding per line. */
export function formatFinding(finding: LocatedFinding): string {
  const where = `${finding.file}${finding.line ? `:${finding.line}` : ''}${finding.path ? ` ${finding.path}` : ''}`;
  return `${where}: ${finding.level}: ${finding.message}`;
}
