// `newsletter build <issue.yaml> [--out DIR]`: render the issue for a sample recipient and
// write DIR/<issue-id>/email.html and email.txt. Everything is rendered before anything is
// written, so invalid content leaves no partial output behind. Lint errors (e.g. an image
// without alt text) still write the files, so the editor can look at them, but exit 1: the
// issue is not fit to send (DESIGN: build exits 1 on invalid content).
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { byCount, count } from '../plural.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function register(program: Command): void {
  program
    .command('build')
    .description('render an issue and write <out>/<issue-id>/email.html and email.txt (sample recipient)')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (file: string, opts: { out: string }) => {
      // Loaded on use: the renderer (MJML) is heavy and other commands do not need it.
      const { renderIssueFile } = await import('../../use-cases/render-issue-file.ts');
      const { formatFindings, formatSizeReport } = await import('../format-report.ts');
      const { issue, rendered, sample, findings } = await renderIssueFile(file, { assetsUrl: loadConfig(readEnvironment()).assetsUrl });
      const dir = join(opts.out, issue.id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'email.html'), sample.html);
      await writeFile(join(dir, 'email.txt'), sample.text);
      const lines = [
        `${issue.id} → ${dir}/email.html, email.txt`,
        `  subject ${sample.subject}`,
        ...formatSizeReport(rendered.report),
        ...formatFindings(findings),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const errors = findings.filter((f) => f.level === 'error').length;
      if (errors > 0) {
        process.stderr.write(
          `${file}: ${count(errors, 'lint error')}; files written for a look, but fix ${byCount(errors, 'it', 'them')} before sending (details: newsletter lint ${file})\n`,
        );
        process.exitCode = 1;
      }
    });
}
