import { UserError } from '../errors.ts';

export interface ConfigProblem {
  variable: string;
  /** What is wrong and how to fix it, e.g. "is missing; set it to 32+ random characters". */
  message: string;
}

/** Every missing or invalid variable at once, so an operator fixes them in one go. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `${p.variable}: ${p.message}`);
    super(
      lines.length === 1
        ? lines[0]!
        : `${lines.length} configuration problems (set them in .env or the environment; see .env.example):\n  ${lines.join('\n  ')}`,
    );
    this.problems = problems;
  }
  /** The first variable named (the only one when there is one problem). */
  get variable(): string {
    return this.problems[0]?.variable ?? '';
  }
}
