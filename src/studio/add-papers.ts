// "Add papers by id" (issue 28 item 4): a paste of arXiv ids and links → papers in the issue's
// papers section, each in the group its primary category maps to; a paper an earlier issue of the
// newsletter carried is added and flagged, one already in this issue skipped. All or nothing: one failure
// (an item that is no id, a paper arXiv does not have, a category without a group, arXiv down)
// and the file is left as it was. What is written passes the issue schema first, and is written
// atomically (a temporary file renamed over the issue).
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { ContentError, loadNewsletter } from '../content/index.ts';
import { displayPath } from '../content/field-path.ts';
import { issueSchema, type Paper } from '../content/schema.ts';
import { validateSource } from '../content/validate.ts';
import { parseYamlSource } from '../content/yaml-source.ts';
import { UserError } from '../errors.ts';
import { ArxivError } from './arxiv-error.ts';
import { lookUpArxiv, type ArxivClientOptions, type ArxivLookup } from './arxiv-client.ts';
import { describePosition, formatArxivId, parseArxivList, type PastedId } from './arxiv-id.ts';
import { addPaperToText, arxivPapersIn, documentText, paperNode, papersSectionIndex } from './issue-papers.ts';
import { arxivPapersOfEarlierIssues } from './earlier-issues.ts';
import { groupForCategory, paperFromArxiv } from './paper-draft.ts';

export interface AddPapersOptions {
  /** The issue file, edited in place. */
  file: string;
  /** The paste: ids and links, one per line or separated by spaces or commas. */
  input: string;
  /** The group for papers whose primary category the newsletter's arxivGroups does not map. */
  group?: string | undefined;
  /** Change nothing; `addedYaml` holds what would be added. */
  dryRun?: boolean | undefined;
  arxiv: ArxivClientOptions;
  /** Default: two folders up from the issue (emails/issues/x.yaml → emails/). */
  emailsDir?: string | undefined;
}

export interface PaperOutcome {
  /** 1-based: where it was in the paste. */
  item: number;
  status: 'added' | 'skipped' | 'failed';
  /** The id (or the item as pasted, when it is none). */
  subject: string;
  message: string;
}

export interface AddPapersResult {
  outcomes: PaperOutcome[];
  /** True when the file was changed. */
  written: boolean;
  /** The groups and papers added (or, with dryRun, that would be), as YAML; empty when none. */
  addedYaml: string;
}

export async function addPapers(opts: AddPapersOptions): Promise<AddPapersResult> {
  const file = displayPath(opts.file);
  const text = await readIssueText(opts.file, file);
  const { outcomes, next, added } = await addPapersToText({ ...opts, text });
  const failed = outcomes.some((o) => o.status === 'failed');
  const addedYaml = added.length ? addedText(added) : '';
  if (failed || opts.dryRun || added.length === 0) return { outcomes, written: false, addedYaml };

  // What is written must load: the schema sees it exactly as `lint` and `send` will.
  try {
    validateSource(issueSchema, parseYamlSource(file, next));
  } catch (error) {
    if (error instanceof ContentError) throw new UserError(`${file}: nothing written: the edited issue would not load (${error.message}); please report this`);
    throw error;
  }
  // arXiv took a while: a colleague's save (or a git pull) in the meantime is not overwritten.
  if ((await readIssueText(opts.file, file)) !== text) {
    throw new UserError(`${file}: nothing written: the file changed while the papers were looked up; run this again`);
  }
  await writeAtomically(opts.file, next);
  return { outcomes, written: true, addedYaml };
}

export interface AddPapersToText extends Omit<AddPapersOptions, 'dryRun'> {
  /** The issue file's text (the file itself, or the studio's draft of it). */
  text: string;
  /** The papers section to add to (default: the first). */
  sectionIndex?: number;
}

/**
 * The papers of the paste looked up and added to `text`, nothing written: `next` is the new text
 * (the text as it was when nothing could be added), `outcomes` one per item in paste order.
 */
export async function addPapersToText(opts: AddPapersToText): Promise<{ outcomes: PaperOutcome[]; next: string; added: { field: string; paper: Paper }[] }> {
  const file = displayPath(opts.file);
  const { text } = opts;
  const issue = validateSource(issueSchema, parseYamlSource(file, text));
  const emailsDir = opts.emailsDir ?? dirname(dirname(opts.file));
  const newsletter = await loadNewsletter(emailsDir, issue.newsletter);
  const sectionIndex = opts.sectionIndex ?? papersSectionIndex(issue);
  if (issue.sections[sectionIndex]?.kind !== 'papers')
    throw new UserError(`${file}: the issue has no papers section to add papers to; add one (- kind: papers, title: …, groups: []) and run this again`);

  const outcomes: PaperOutcome[] = [];
  const { ids, problems } = parseArxivList(opts.input);
  for (const p of problems) outcomes.push({ item: p.item, status: 'failed', subject: p.input, message: `${describePosition(p)} ${p.reason}` });
  if (ids.length === 0 && problems.length === 0)
    throw new UserError('no arXiv ids or links given (e.g. 2401.01234, 2401.01234v2, cs/0112017 or https://arxiv.org/abs/2401.01234)');

  // Papers already in the issue, then repeats within the paste: reported, not asked for.
  const present = arxivPapersIn(issue);
  const sentBefore = await arxivPapersOfEarlierIssues(emailsDir, issue, opts.file);
  const firstOf = new Map<string, PastedId>();
  const wanted: PastedId[] = [];
  for (const ref of ids) {
    const at = present.get(ref.id);
    const earlier = firstOf.get(ref.id);
    if (at) outcomes.push({ item: ref.item, status: 'skipped', subject: formatArxivId(ref), message: `already in the issue (${at})` });
    else if (earlier)
      outcomes.push({
        item: ref.item,
        status: 'skipped',
        subject: formatArxivId(ref),
        message: `given twice (${describePosition(earlier)} and ${describePosition(ref)}); looked up once`,
      });
    else {
      firstOf.set(ref.id, ref);
      wanted.push(ref);
    }
  }

  let lookup: ArxivLookup = new Map();
  if (wanted.length) {
    try {
      lookup = await lookUpArxiv(wanted, opts.arxiv);
    } catch (error) {
      if (!(error instanceof ArxivError)) throw error;
      for (const ref of wanted) outcomes.push({ item: ref.item, status: 'failed', subject: formatArxivId(ref), message: error.message });
      wanted.length = 0;
    }
  }

  let next = text;
  const added: { field: string; paper: Paper }[] = [];
  const settings = displayPath(join(emailsDir, 'newsletters', `${newsletter.id}.yaml`));
  for (const ref of wanted) {
    const subject = formatArxivId(ref);
    const found = lookup.get(subject);
    if (!found || 'reason' in found) {
      outcomes.push({ item: ref.item, status: 'failed', subject, message: found?.reason ?? "not in arXiv's answer" });
      continue;
    }
    const { entry } = found;
    const field = groupForCategory(entry.primaryCategory, newsletter.arxivGroups) ?? opts.group?.trim();
    if (!field) {
      outcomes.push({
        item: ref.item,
        status: 'failed',
        subject,
        message: `its primary category ${entry.primaryCategory || '(none)'} has no group in ${settings} (arxivGroups): add one there, e.g. '${entry.primaryCategory || 'cs.LG'}': 【…】, or name the group with --group`,
      });
      continue;
    }
    const paper = paperFromArxiv(entry, ref);
    const edit = addPaperToText(next, sectionIndex, field, paper);
    next = edit.text;
    const path = edit.path;
    added.push({ field, paper });
    const before = sentBefore.get(ref.id);
    const flag = before ? ` (note: already in an earlier issue, ${before})` : '';
    outcomes.push({ item: ref.item, status: 'added', subject, message: `→ ${field} (${path}): ${paper.title}${flag}` });
  }

  return { outcomes: ordered(outcomes), next, added };
}

async function readIssueText(path: string, file: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ContentError(file, 1, undefined, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(cause)})`);
  }
}

/** The outcomes in the order the items were pasted. */
function ordered(outcomes: PaperOutcome[]): PaperOutcome[] {
  return [...outcomes].sort((a, b) => a.item - b.item);
}

/** The added papers as the groups YAML an editor would paste under `groups:`. */
function addedText(added: { field: string; paper: Paper }[]): string {
  const doc = new Document([]);
  const groups = new Map<string, Paper[]>();
  for (const { field, paper } of added) groups.set(field, [...(groups.get(field) ?? []), paper]);
  for (const [field, papers] of groups) {
    const group = doc.createNode({ field, papers: [] }) as YAMLMap;
    const seq = group.get('papers', true) as unknown as YAMLSeq;
    seq.flow = false;
    for (const paper of papers) seq.add(paperNode(doc, paper));
    (doc.contents as unknown as YAMLSeq).add(group);
  }
  return documentText(doc);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
