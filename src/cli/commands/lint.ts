// `newsletter lint <issue.yaml>`: validate, render and check the issue; one finding per line
// (`file:line path: level: message`); exit 1 when any finding is an error.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';

export function register(program: Command): void {
  program
    .command('lint')
    .description('validate and check an issue (alt text, links, empty sections, size budget); exit 1 on errors')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .action(async (file: string) => {
      // Loaded on use: the renderer (MJML) is heavy and other commands do not need it.
      const { renderIssueFile } = await import('../../use-cases/render-issue-file.ts');
      const { formatFinding } = await import('../../content/index.ts');
      const { kb } = await import('../format-report.ts');
      const { rendered, findings } = await renderIssueFile(file, { assetsUrl: loadConfig(readEnvironment()).assetsUrl });
      for (const finding of findings) process.stdout.write(`${formatFinding(finding)}\n`);
      const errors = findings.filter((f) => f.level === 'error').length;
      const { encodedHtmlBytes, encoding, budgetBytes } = rendered.report;
      process.stderr.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}; html ${kb(encodedHtmlBytes)} ${encoding} of ${kb(budgetBytes)} budget\n`);
      if (errors > 0) process.exitCode = 1;
    });
}
