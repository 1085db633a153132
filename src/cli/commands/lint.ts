// `newsletter lint <issue.yaml>`: validate, render and check the issue; one finding per line
// (`file:line path: level: message`); exit 1 when any finding is an error. A file that does not
// load (YAML syntax, schema) gives every one of its problems the same way, then the other checks
// run once they are fixed. The HTML is checked against caniemail's data for the newsletter's
// target clients: a feature a target lacks with no fallback is a warning; `--clients` prints the table.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { byCount, count } from '../plural.ts';

export function register(program: Command): void {
  program
    .command('lint')
    .description('validate and check an issue (alt text, links, empty sections, size budget); exit 1 on errors')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .option('--clients', "print the client-support table (caniemail's data against the newsletter's `clients:`) before the findings")
    .action(async (file: string, options: { clients?: boolean }) => {
      // Loaded on use: the renderer (MJML) is heavy and other commands do not need it.
      const { renderIssueFile } = await import('../../use-cases/render-issue-file.ts');
      const { ContentError, contentErrorFindings, formatFinding } = await import('../../content/index.ts');
      const { kb } = await import('../format-report.ts');
      let result: Awaited<ReturnType<typeof renderIssueFile>>;
      try {
        result = await renderIssueFile(file, { assetsUrl: loadConfig(readEnvironment()).assetsUrl, clientSupport: true });
      } catch (error) {
        if (!(error instanceof ContentError)) throw error;
        const findings = contentErrorFindings(error);
        for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
        process.stderr.write(
          `${file}: ${count(findings.length, 'error')}; the file does not load: fix ${byCount(findings.length, 'it', 'them')}, then lint again for the other checks\n`,
        );
        process.exitCode = 1;
        return;
      }
      const { rendered, findings, clientSupport } = result;
      if (options.clients && clientSupport) {
        const { clientSupportTable } = await import('../../render/client-support/support-table.ts');
        const { clientLabel } = await import('../../render/client-support/support-report.ts');
        process.stdout.write(
          `client support (caniemail data of ${clientSupport.dataDate.slice(0, 10)}) for ${clientSupport.clients.map(clientLabel).join(', ')}:\n`,
        );
        for (const line of clientSupportTable(clientSupport)) process.stdout.write(`${line}\n`);
        process.stdout.write('\n');
      }
      for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
      const errors = findings.filter((f) => f.level === 'error').length;
      const { encodedHtmlBytes, encoding, budgetBytes } = rendered.report;
      process.stderr.write(
        `${file}: ${count(errors, 'error')}, ${count(findings.length - errors, 'warning')}; html ${kb(encodedHtmlBytes)} ${encoding} of ${kb(budgetBytes)} budget\n`,
      );
      if (errors > 0) process.exitCode = 1;
    });
}
