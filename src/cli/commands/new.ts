// `newsletter new <newsletter> [--empty]`: the draft of its next issue in emails/issues, from
// the structure of its latest issue (sections and groups kept, items emptied) or empty; number
// + 1, the next issue day, a link back to the latest issue. Then `newsletter lint` names what to fill.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';

export function register(program: Command): void {
  program
    .command('new')
    .description("start the next issue of a newsletter: emails/issues/<newsletter>-<number>.yaml from its latest issue's sections, items emptied")
    .argument('<newsletter>', 'newsletter id (a file in emails/newsletters, without .yaml)')
    .option('--from-latest', "copy the latest issue's sections and groups, items emptied (the default)")
    .option('--empty', 'an empty skeleton instead: one text section and the link back')
    .action(async (id: string, opts: { fromLatest?: boolean; empty?: boolean }) => {
      if (opts.fromLatest && opts.empty) throw new UserError('--from-latest and --empty: choose one');
      const config = loadConfig(readEnvironment(), []);
      const [{ loadNewsletter, ContentError }, { startNextIssue, draftOrigin }] = await Promise.all([
        import('../../content/index.ts'),
        import('../../use-cases/start-next-issue.ts'),
      ]);
      const newsletter = await loadNewsletter(config.emailsDir, id).catch((error: unknown) => {
        if (error instanceof ContentError && error.problem === 'no such file') throw new UserError(`no newsletter "${id}": ${error.file} does not exist`);
        throw error;
      });
      const started = await startNextIssue(config.emailsDir, newsletter, { empty: Boolean(opts.empty) });
      const from = draftOrigin(started.fromNumber);
      const path = started.path;
      process.stdout.write(`${path}: issue ${started.number} of ${id}, dated ${started.date}, from ${from}\n`);
      process.stdout.write(`next: fill it in, then \`newsletter lint ${path}\` names what is still missing\n`);
    });
}
