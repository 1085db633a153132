// The one error a content file can cause. Its message is a single line an editor can act on:
// `emails/issues/pretrain-weekly-064.yaml:37 sections[0].groups[1].papers[2].url: must be …`.
import { UserError } from '../errors.ts';

export class ContentError extends UserError {
  override name = 'ContentError';

  constructor(
    /** The file as the user gave it (relative to the working directory when inside it). */
    readonly file: string,
    /** 1-based line of the offending node. */
    readonly line: number,
    /** Field path such as `sections[0].title`, when the problem is tied to a field. */
    readonly field: string | undefined,
    /** What is wrong and what was expected. */
    readonly problem: string,
  ) {
    super(`${file}:${line}${field ? ` ${field}` : ''}: ${oneLine(problem)}`);
  }
}

/** Messages must stay on one line whatever a YAML value or parser message contains. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
