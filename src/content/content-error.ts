// The one error a content file can cause. It carries every problem found in the file (all the
// schema's at once, in file order), each a single line an editor can act on:
// `emails/issues/pretrain-weekly-064.yaml:37 sections[0].groups[1].papers[2].url: must be …`.
// With one problem the message is that line; with several, a heading and one line each.
import { UserError } from '../errors.ts';

export interface ContentProblem {
  /** The file as the user gave it (relative to the working directory when inside it). */
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  /** Field path such as `sections[0].title`, when the problem is tied to a field. */
  field?: string | undefined;
  /** What is wrong and what was expected (one line). */
  problem: string;
}

export class ContentError extends UserError {
  override name = 'ContentError';
  /** Every problem, in file order; the first one is also `file`, `line`, `field` and `problem`. */
  readonly problems: readonly ContentProblem[];

  constructor(
    /** The file as the user gave it (relative to the working directory when inside it). */
    readonly file: string,
    /** 1-based line of the offending node. */
    readonly line: number,
    /** Field path such as `sections[0].title`, when the problem is tied to a field. */
    readonly field: string | undefined,
    /** What is wrong and what was expected. */
    readonly problem: string,
    /** Further problems found in the same run, after this one. */
    further: readonly ContentProblem[] = [],
  ) {
    const problems = [{ file, line, field, problem }, ...further].map((p) => ({ ...p, problem: oneLine(p.problem) }));
    super(describe(problems));
    this.problems = problems;
  }

  /** One error for several problems (at least one), in the order given. */
  static of(problems: readonly ContentProblem[]): ContentError {
    const [first, ...rest] = problems;
    if (!first) throw new TypeError('ContentError.of needs at least one problem');
    return new ContentError(first.file, first.line, first.field, first.problem, rest);
  }
}

/** `file:line field: problem`, the line an editor reads for one problem. */
export function formatProblem(p: ContentProblem): string {
  return `${p.file}:${p.line}${p.field ? ` ${p.field}` : ''}: ${p.problem}`;
}

function describe(problems: readonly ContentProblem[]): string {
  if (problems.length === 1) return formatProblem(problems[0]!);
  const files = new Set(problems.map((p) => p.file));
  const where = files.size === 1 ? `${problems[0]!.file}: ` : '';
  return `${where}${problems.length} problems; fix them all, then run again:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`;
}

/** Messages must stay on one line whatever a YAML value or parser message contains. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
