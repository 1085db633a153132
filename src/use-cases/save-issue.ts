// The studio's save: the editor's whole text of an issue file goes to disk only when it loads
// as an issue (schema, newsletter, assets: what `lint` loads first) and the file on disk is still
// the version the editor started from. A colleague's save or a `git pull` in between is a
// conflict, answered with the file as it is now, never overwritten unless the editor says so.
// The file is replaced atomically (a temporary file renamed over it), and the version it
// replaces is kept as a revision.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ContentError, loadIssueText, type ContentProblem } from '../content/index.ts';
import { UserError } from '../errors.ts';
import type { DraftStore } from '../studio/draft-store.ts';

export type SaveOutcome =
  | { kind: 'saved'; hash: string; unchanged: boolean }
  | { kind: 'invalid'; problems: readonly ContentProblem[] }
  | { kind: 'conflict'; disk: string; diskHash: string };

/** SHA-256 of a file's text, hex: the version an editor started from. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface SaveRequest {
  /** The issue's file (emails/issues/<id>.yaml, its id already checked). */
  file: string;
  issueId: string;
  text: string;
  /** textHash of the file the editor started from. */
  base: string;
  /** Who saves (kept with the revision). */
  by: string;
  /** Save over a newer file on disk (the editor saw the difference and chose theirs). */
  overwrite?: boolean;
}

export async function saveIssueText(deps: { drafts: DraftStore }, req: SaveRequest): Promise<SaveOutcome> {
  const disk = await readFile(req.file, 'utf8');
  const diskHash = textHash(disk);
  if (diskHash !== req.base && !req.overwrite) return { kind: 'conflict', disk, diskHash };
  try {
    await loadIssueText(req.file, req.text);
  } catch (error) {
    if (error instanceof ContentError) return { kind: 'invalid', problems: error.problems };
    throw error;
  }
  if (req.text === disk) return { kind: 'saved', hash: diskHash, unchanged: true };
  await deps.drafts.addRevision(req.issueId, { at: new Date().toISOString(), by: req.by, text: disk });
  await replaceFile(req.file, req.text);
  return { kind: 'saved', hash: textHash(req.text), unchanged: false };
}

/** Writes `text` beside `file` and renames it over it: a reader sees the old file or the new, never half. */
async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new UserError(`${basename(file)}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
