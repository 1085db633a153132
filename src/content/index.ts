// The only reader of emails/: issue files, newsletter settings and templates, validated into
// the plain data the renderer and the send pipeline use.
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { TemplateSet } from './templates.ts';
import { assertAssetsExist } from './asset-files.ts';
import { ContentError } from './content-error.ts';
import { displayPath } from './field-path.ts';
import { loadYamlFile, readYamlSource } from './load-file.ts';
import { validateSource } from './validate.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';
import { loadTemplates } from './load-templates.ts';
import { CONTENT_ID, issueSchema, newsletterSchema, type Issue, type Newsletter } from './schema.ts';
import { imagesOfIssue, imagesOfNewsletter } from './walk-issue.ts';

export { ContentError, formatProblem, type ContentProblem } from './content-error.ts';
export type { YamlSource } from './yaml-source.ts';
export { loadTemplates } from './load-templates.ts';
export { locateFindings, formatFinding, contentErrorFindings, type LocatedFinding } from './locate-findings.ts';
export { issueImages, issueLinks, knownImageSizes } from './walk-issue.ts';
export { ASSETS_FOLDER } from './asset-files.ts';
export { isAssetPath } from './schema.ts';

export interface LoadedIssue {
  issue: Issue;
  newsletter: Newsletter;
  templates: TemplateSet;
}

/**
 * Loads an issue file, the newsletter it names and the templates.
 * `emailsDir` defaults to two folders up from the issue (emails/issues/x.yaml → emails/).
 */
export async function loadIssueFile(path: string, opts: { emailsDir?: string } = {}): Promise<LoadedIssue> {
  return loadIssueSource(path, await readYamlSource(path), opts);
}

/**
 * loadIssueFile for the text an editor has not saved yet (the studio's draft of `path`): the same
 * checks, with lines counted in that text.
 */
export async function loadIssueText(path: string, text: string, opts: { emailsDir?: string } = {}): Promise<LoadedIssue & { source: YamlSource }> {
  const source = parseYamlSource(displayPath(path), text);
  return { ...(await loadIssueSource(path, source, opts)), source };
}

async function loadIssueSource(path: string, source: YamlSource, opts: { emailsDir?: string }): Promise<LoadedIssue> {
  const emailsDir = opts.emailsDir ?? dirname(dirname(path));
  const id = idFromFile(path);
  const value = validateSource(issueSchema, source);
  const issue: Issue = { ...value, id };

  let newsletter: Newsletter;
  try {
    newsletter = await loadNewsletter(emailsDir, issue.newsletter);
  } catch (error) {
    // A settings file that is not there is the issue's mistake: point at its `newsletter:` line.
    if (error instanceof ContentError && error.problem === 'no such file') {
      throw new ContentError(source.file, source.lineOf(['newsletter']), 'newsletter', `no newsletter "${issue.newsletter}": ${error.file} does not exist`);
    }
    throw error;
  }
  await assertAssetsExist(source, imagesOfIssue(issue), emailsDir);
  return { issue, newsletter, templates: await loadTemplates(emailsDir) };
}

export async function loadNewsletter(emailsDir: string, id: string): Promise<Newsletter> {
  const path = join(emailsDir, 'newsletters', `${id}.yaml`);
  const { source, value } = await loadYamlFile(path, newsletterSchema);
  const newsletter: Newsletter = { ...value, id, listId: value.list ?? id };
  await assertAssetsExist(source, imagesOfNewsletter(newsletter), emailsDir);
  return newsletter;
}

/** Paths of emails/issues/*.yaml, sorted by file name. */
export async function listIssueFiles(emailsDir: string): Promise<string[]> {
  const dir = join(emailsDir, 'issues');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.yaml') && !name.startsWith('.'))
    .sort()
    .map((name) => join(dir, name));
}

/** The issue id is the file's base name; it ends up in job ids and URLs, so keep it plain. */
function idFromFile(path: string): string {
  const id = basename(path, extname(path));
  if (!CONTENT_ID.test(id)) {
    throw new ContentError(
      displayPath(path),
      1,
      undefined,
      `file name "${id}" is not a valid issue id: use lower-case letters, digits and dashes, at most 100 characters (e.g. pretrain-weekly-064.yaml)`,
    );
  }
  return id;
}

/** Every newsletter settings file (emails/newsletters/*.yaml), sorted by id; for `serve` and `worker`. */
export async function loadNewsletters(emailsDir: string): Promise<Newsletter[]> {
  let names: string[];
  try {
    names = await readdir(join(emailsDir, 'newsletters'));
  } catch {
    return [];
  }
  const ids = names
    .filter((name) => name.endsWith('.yaml') && !name.startsWith('.'))
    .map((name) => basename(name, '.yaml'))
    .sort();
  return Promise.all(ids.map((id) => loadNewsletter(emailsDir, id)));
}
