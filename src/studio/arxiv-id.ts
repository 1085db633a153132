// arXiv identifiers as an editor pastes them: bare ids (2401.01234, 2401.01234v2, cs/0112017,
// arXiv:2401.01234) and links to a paper's abs or pdf page on arxiv.org or export.arxiv.org.
// Pure: no network. Anything else is refused with its position and the reason, never guessed at.

/** A paper on arXiv: its id without version, and the version when one was given. */
export interface ArxivId {
  /** `2401.01234` or `cs/0112017` (old style: archive/YYMMNNN). */
  id: string;
  version?: number;
}

/** One id found in a paste, with where it was. */
export interface PastedId extends ArxivId {
  /** The text as pasted. */
  input: string;
  /** 1-based: the item's number in the paste, its line and column. */
  item: number;
  line: number;
  column: number;
}

export interface PasteProblem {
  input: string;
  item: number;
  line: number;
  column: number;
  reason: string;
}

/** The archives of old-style ids (before April 2007): `hep-th/9901001`, `math.AG/0309136`. */
export const OLD_ARCHIVES = [
  'acc-phys',
  'adap-org',
  'alg-geom',
  'ao-sci',
  'astro-ph',
  'atom-ph',
  'bayes-an',
  'chao-dyn',
  'chem-ph',
  'cmp-lg',
  'comp-gas',
  'cond-mat',
  'cs',
  'dg-ga',
  'funct-an',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math',
  'math-ph',
  'mtrl-th',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'patt-sol',
  'physics',
  'plasm-ph',
  'q-alg',
  'q-bio',
  'quant-ph',
  'solv-int',
  'supr-con',
] as const;

const ARXIV_HOSTS = new Set(['arxiv.org', 'export.arxiv.org']);
const VERSION = /v([1-9][0-9]{0,3})$/;
const NEW_ID = /^([0-9]{2})(0[1-9]|1[0-2])\.([0-9]{4,5})$/;
const OLD_ID = /^([a-z]+(?:-[a-z]+)?)(\.[A-Z]{2})?\/([0-9]{2})(0[1-9]|1[0-2])([0-9]{3})$/;

export const EXAMPLES = 'e.g. 2401.01234, 2401.01234v2, cs/0112017 or https://arxiv.org/abs/2401.01234';

/** `2401.01234v2` (the version only when there is one). */
export function formatArxivId(ref: ArxivId): string {
  return ref.version === undefined ? ref.id : `${ref.id}v${ref.version}`;
}

/** An id with or without version, or why it is not one. */
export function parseBareId(text: string): ArxivId | { reason: string } {
  let body = text;
  let version: number | undefined;
  const v = VERSION.exec(body);
  if (v) {
    version = Number(v[1]);
    body = body.slice(0, v.index);
  }
  const fresh = NEW_ID.exec(body);
  if (fresh) {
    const yymm = Number(`${fresh[1]}${fresh[2]}`);
    const digits = fresh[3]!.length;
    // Ids began in April 2007 (0704) with 4 digits after the dot; 5 since January 2015 (1501).
    if (yymm < 704)
      return { reason: `${body} is older than arXiv's new-style ids (from 0704.0001); an id from before April 2007 names its archive, e.g. cs/0112017` };
    if (yymm < 1501 && digits !== 4) return { reason: `${body} has ${digits} digits after the dot; ids before 1501 have 4` };
    if (yymm >= 1501 && digits !== 5) return { reason: `${body} has ${digits} digits after the dot; ids since 1501 have 5` };
    return version === undefined ? { id: body } : { id: body, version };
  }
  const old = OLD_ID.exec(body);
  if (old) {
    if (!(OLD_ARCHIVES as readonly string[]).includes(old[1]!))
      return { reason: `${old[1]} is not an arXiv archive (old-style ids are like cs/0112017 or hep-th/9901001)` };
    const yy = Number(old[3]);
    if (yy > 7 && yy < 91) return { reason: `${body}: old-style ids run from 1991 to 2007 (YYMMNNN after the slash)` };
    return version === undefined ? { id: body } : { id: body, version };
  }
  return { reason: `is not an arXiv id or link (${EXAMPLES})` };
}

/**
 * The paper an abs or pdf link names (http or https, arxiv.org or export.arxiv.org; a pdf link
 * with or without .pdf), or why the link is not one.
 */
export function parseArxivLink(text: string): ArxivId | { reason: string } {
  // Read from the text as written, not through new URL(): the URL parser drops tabs and newlines
  // and decodes escapes, which would turn junk into an id.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/.exec(text);
  if (!m) return { reason: `is not a link (${EXAMPLES})` };
  const [, scheme = '', host = '', path = ''] = m;
  if (!/^https?$/i.test(scheme)) return { reason: `is a ${scheme}: link, not an arXiv page (${EXAMPLES})` };
  if (!ARXIV_HOSTS.has(host.toLowerCase())) {
    return { reason: `is a link to ${host || 'nowhere'}, not to arXiv: paste an arxiv.org abs or pdf link, or the id (${EXAMPLES})` };
  }
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return { reason: `is an arXiv link with spaces or control characters in it (${EXAMPLES})` };
  const page = /^\/(abs|pdf)\/(.+)$/.exec(path);
  if (!page) return { reason: `is an arXiv link but not to a paper's abs or pdf page (${EXAMPLES})` };
  let id = page[2]!;
  if (page[1] === 'pdf' && id.endsWith('.pdf')) id = id.slice(0, -4);
  const ref = parseBareId(id);
  return 'reason' in ref
    ? { reason: `is an arXiv link to "${id}", which ${ref.reason.startsWith('is ') ? ref.reason.slice(3) : `is not an id: ${ref.reason}`}` }
    : ref;
}

/** One pasted item: a link, `arXiv:` + id, or an id. */
export function parseArxivRef(text: string): ArxivId | { reason: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return parseArxivLink(text);
  const bare = /^arxiv:/i.test(text) ? text.slice(6) : text;
  return parseBareId(bare);
}

/** Every id in a paste (one per line, or separated by spaces or commas), in order, and every item that is not one. */
export function parseArxivList(text: string): { ids: PastedId[]; problems: PasteProblem[] } {
  const ids: PastedId[] = [];
  const problems: PasteProblem[] = [];
  let item = 0;
  text.split(/\r\n|\r|\n/).forEach((lineText, l) => {
    for (const m of lineText.matchAll(/[^\s,]+/g)) {
      item++;
      const input = m[0];
      const at = { input, item, line: l + 1, column: m.index + 1 };
      const ref = parseArxivRef(input);
      if ('reason' in ref) problems.push({ ...at, reason: ref.reason });
      else ids.push({ ...at, ...ref });
    }
  });
  return { ids, problems };
}

/** The arXiv paper a link in an issue points at (abs or pdf page), for finding papers already there. */
export function arxivIdOfLink(url: string | undefined): ArxivId | undefined {
  if (!url) return undefined;
  const ref = parseArxivLink(url);
  return 'reason' in ref ? undefined : ref;
}

/** Where an editor reads an item of the paste: `item 3 (line 2, column 5)`. */
export function describePosition(at: { item: number; line: number; column: number }): string {
  return `item ${at.item} (line ${at.line}, column ${at.column})`;
}
