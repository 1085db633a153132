// Shared by build, lint, preview, send and dev: load an issue file, render it once, personalise it for a
// sample recipient and place its lint findings in the files an editor has open.
import { encodedSizes } from '../mail/index.ts';
import { dirname } from 'node:path';
import { loadIssueFile, loadIssueText, locateFindings, type LoadedIssue, type LocatedFinding, type YamlSource } from '../content/index.ts';
import type { Issue, Newsletter } from '../content/schema.ts';
import { createRenderer, personalise } from '../render/index.ts';
import type { RenderedIssue } from '../render/types.ts';
import { DEFAULT_CLIENTS } from '../content/client-list.ts';
import { clientSupport, clientSupportWarnings, type ClientSupportReport } from '../render/client-support/support-report.ts';
import { templatesUsed } from '../render/client-support/templates-used.ts';

export interface SampleEmail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedIssueFile {
  issue: Issue;
  newsletter: Newsletter;
  rendered: RenderedIssue;
  /** The issue as a made-up reader would receive it (no tokens left). */
  sample: SampleEmail;
  findings: LocatedFinding[];
  /** With `clientSupport: true`: the HTML against caniemail's data for the newsletter's target clients. */
  clientSupport?: ClientSupportReport;
}

/** `assetsUrl`: where emails/assets is served (config.assetsUrl), so local images get real addresses. */
/**
 * `clientSupport`: also check the HTML against caniemail's data (lint does); each feature a target
 * lacks with no fallback becomes a warning after the others.
 */
/** `text`: the file's content as an editor has it, not yet saved (the studio's draft); lines are counted in it. */
export async function renderIssueFile(file: string, opts: { assetsUrl: string; clientSupport?: boolean; text?: string }): Promise<RenderedIssueFile> {
  const emailsDir = dirname(dirname(file));
  const loaded: LoadedIssue & { source?: YamlSource } =
    opts.text === undefined ? await loadIssueFile(file, { emailsDir }) : await loadIssueText(file, opts.text, { emailsDir });
  const { issue, newsletter, templates } = loaded;
  const rendered = await createRenderer(templates, { assetsUrl: opts.assetsUrl, encodedSizes }).renderIssue(issue, newsletter);
  const sample = personalise(rendered, {
    unsubscribeUrl: 'https://example.com/unsubscribe/SAMPLE',
    preferencesUrl: 'https://example.com/preferences/SAMPLE',
    viewOnlineUrl: `https://example.com/issues/${issue.id}`,
    name: newsletter.locale === 'zh-CN' ? '读者' : 'Reader',
  });
  const report = opts.clientSupport
    ? clientSupport(rendered.html, {
        clients: newsletter.clients ?? DEFAULT_CLIENTS,
        templates: templatesUsed(
          templates.files,
          issue.sections.map((s) => s.kind),
        ),
      })
    : undefined;
  // Named against the newsletter's `clients:` when it has one, else the issue file as a whole.
  const clientFindings = report
    ? clientSupportWarnings(report).map((message) => ({
        level: 'warning' as const,
        ...(newsletter.clients ? { path: 'newsletter.clients' } : {}),
        message: `client support: ${message}`,
      }))
    : [];
  const findings = await locateFindings([...rendered.findings, ...clientFindings], {
    issueFile: file,
    emailsDir,
    newsletterId: newsletter.id,
    ...(loaded.source ? { issueSource: loaded.source } : {}),
  });
  return { issue, newsletter, rendered, sample, findings, ...(report ? { clientSupport: report } : {}) };
}
