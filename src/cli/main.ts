// Entry of the `newsletter` CLI: builds the commander program from the command modules and
// turns user errors into one line on stderr and exit code 1 (no stack traces for bad input).
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { commands } from './commands/index.ts';

const program = new Command('newsletter')
  .description('Write one issue file, render it once, send it to every subscriber exactly once.')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof UserError) {
    process.stderr.write(`newsletter: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
