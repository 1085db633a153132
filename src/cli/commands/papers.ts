// `newsletter papers add <issue.yaml> <id|url>… [--group NAME] [--dry-run]`: looks the papers up on
// arXiv (ARXIV_API_URL, one request) and adds each to the papers section, in the group its
// primary category maps to (the newsletter's arxivGroups; --group for the rest). One line per
// paper: added, skipped (already there) or failed; any failure writes nothing and exits 1.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';

export function register(program: Command): void {
  const papers = program.command('papers').description("papers of an issue's papers section");
  papers
    .command('add')
    .description('add papers by arXiv id or link (abs, pdf, versioned), each in the group its primary category maps to; edits the issue in place')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .argument(
      '<ids...>',
      'arXiv ids or links, e.g. 2210.13463 https://arxiv.org/pdf/2210.11610v2 (one argument may hold several, separated by spaces, commas or lines)',
    )
    .option('--group <name>', "the group for papers whose primary category the newsletter's arxivGroups does not map, e.g. 【其他研究】")
    .option('--dry-run', 'change nothing: print the YAML that would be added')
    .action(async (file: string, ids: string[], opts: { group?: string; dryRun?: boolean }) => {
      const { addPapers } = await import('../../studio/add-papers.ts');
      const config = loadConfig(readEnvironment());
      const result = await addPapers({
        file,
        input: ids.join('\n'),
        group: opts.group,
        dryRun: opts.dryRun,
        arxiv: { apiUrl: config.arxivApiUrl, timeoutMs: config.arxivTimeoutMs, minIntervalMs: config.arxivMinIntervalMs },
      });
      const width = Math.max(...result.outcomes.map((o) => o.status.length));
      for (const o of result.outcomes) process.stdout.write(`${o.status.padEnd(width)} ${o.subject} ${o.message}\n`);
      const failed = result.outcomes.filter((o) => o.status === 'failed').length;
      const added = result.outcomes.filter((o) => o.status === 'added').length;
      if (opts.dryRun && result.addedYaml) process.stdout.write(`\n# would be added to the papers section's groups:\n${result.addedYaml}`);
      if (failed) {
        process.stderr.write(
          `${file}: nothing written: ${failed} of ${result.outcomes.length} failed (see above); fix ${failed === 1 ? 'it or leave it' : 'them or leave them'} out and run this again\n`,
        );
        process.exitCode = 1;
      } else if (result.written) {
        process.stderr.write(
          `${file}: ${added} added; each summary is the arXiv abstract marked summaryDraft: arxiv-abstract: rewrite it, then delete that line (lint warns until then)\n`,
        );
      } else if (!opts.dryRun) {
        process.stderr.write(`${file}: nothing to add\n`);
      }
    });
}
