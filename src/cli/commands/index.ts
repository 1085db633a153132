// Every CLI command module, each exporting `register(program)`. One line per command file.
import type { Command } from 'commander';

export const commands: Array<(program: Command) => void> = [];
