// Parses a content file into plain data while keeping the YAML node tree, so that any field
// path (from the schema or from lint) can be turned back into the line an editor must fix.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import { ContentError } from './content-error.ts';
import type { PathSegment } from './field-path.ts';

export interface YamlSource {
  /** The file name used in messages. */
  file: string;
  data: unknown;
  /** 1-based line for a field path: the key's line, a list item's line, or the nearest parent's. */
  lineOf(path: readonly PathSegment[]): number;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  // prettyErrors off: we print our own `file:line` and want the parser's message alone.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const line = (offset: number): number => lineCounter.linePos(offset).line;

  if (doc.errors.length) {
    // The first problem in the file; one syntax error often causes others after it.
    const located = doc.errors.map((error, order) => ({ ...explainSyntaxError(doc, text, error, line), order }));
    located.sort((a, b) => a.line - b.line || a.rank - b.rank || a.order - b.order);
    const first = located[0]!;
    throw new ContentError(file, first.line, undefined, `invalid YAML: ${first.message}`);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new ContentError(file, aliasLine(doc, line), undefined, `invalid YAML: ${(cause as Error).message}`);
  }

  return { file, data, lineOf: (path) => lineOfPath(doc, path, line) };
}

function lineOfPath(doc: Document, path: readonly PathSegment[], line: (offset: number) => number): number {
  // Walk down as far as the document goes; the deepest node found names the line.
  let current: unknown = doc.contents;
  let best = rangeStart(current) ?? 0;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      // A key's line, not its value's: a nested mapping's value starts on the next line.
      best = rangeStart(pair.key) ?? best;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) break;
      best = rangeStart(item) ?? best;
      current = item;
    } else {
      break;
    }
  }
  return line(best);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** The line of the first alias that points nowhere (the usual reason toJS throws). */
function aliasLine(doc: Document, line: (offset: number) => number): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return line(offset);
}

interface SyntaxProblem {
  line: number;
  message: string;
  /** Among errors on one line, the unclosed quote or bracket (the cause) comes first. */
  rank: number;
}

/**
 * Where a syntax error starts and what to do about it. The parser notices an unclosed quote or
 * bracket only where the text runs out (often the end of the file), so those are reported on
 * the line where the quote or bracket opens; the others at the parser's own position, with a
 * hint for the usual causes.
 */
function explainSyntaxError(doc: Document, text: string, error: YAMLError, line: (offset: number) => number): SyntaxProblem {
  const offset = error.pos[0];
  const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  if (error.code === 'MISSING_CHAR' && quote) {
    const scalar = innermost(doc, offset, (node) => isScalar(node) && node.type === (quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE'));
    const start = scalar?.range?.[0] ?? offset;
    const end = scalar?.range?.[1] ?? offset;
    const runsOn = end >= text.trimEnd().length ? ' (it runs on to the end of the file)' : line(end) > line(start) ? ` (it runs on to line ${line(end)})` : '';
    const escaped = quote === '"' ? '\\"' : "''";
    return {
      line: line(start),
      rank: 0,
      message: `missing closing ${quote} quote: the text that opens with ${quote} on this line is never closed${runsOn}; add ${quote} where it ends (write ${escaped} for a ${quote} inside it)`,
    };
  }
  const flow = /^Flow (sequence|map)/.exec(error.message)?.[1];
  if (flow) {
    const collection = innermost(doc, offset, (node) => (flow === 'sequence' ? isSeq(node) : isMap(node)) && (node as { flow?: boolean }).flow === true);
    const [open, close] = flow === 'sequence' ? ['[', ']'] : ['{', '}'];
    const instead = flow === 'sequence' ? 'one "- item" per line' : 'one "field: value" per line';
    return {
      line: line(collection?.range?.[0] ?? offset),
      rank: 0,
      message: `the ${open} that opens on this line is never closed: add ${close} where the ${flow === 'sequence' ? 'list' : 'mapping'} ends (and keep its lines indented), or write it as ${instead}`,
    };
  }
  return { line: line(offset), rank: 1, message: `${error.message}${hintFor(doc, error)}` };
}

function hintFor(doc: Document, error: YAMLError): string {
  switch (error.code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return ': put text that contains ": " in quotes, e.g. summary: "Attention: a survey" (or, if the next line is a field of its own, indent it as far as this one)';
    case 'TAB_AS_INDENT':
      return ': indent with spaces';
    case 'DUPLICATE_KEY': {
      let key: unknown;
      visit(doc, {
        Scalar(_key, node) {
          if (node.range?.[0] !== error.pos[0]) return undefined;
          key = node.value;
          return visit.BREAK;
        },
      });
      return key === undefined ? ': a field is given twice in the same block; keep one' : `: "${String(key)}" is given twice in the same block; keep one`;
    }
    case 'BAD_INDENT':
      return ': indent the fields of one block by the same number of spaces';
    default:
      return '';
  }
}

/** The last-starting node that matches and spans `offset` (from after its start to its end). */
function innermost(doc: Document, offset: number, matches: (node: Node) => boolean): Node | undefined {
  let found: Node | undefined;
  const consider = (node: unknown): void => {
    const range = (node as Node | null)?.range;
    if (!range || !matches(node as Node)) return;
    if (range[0] < offset && offset <= range[2] && (!found || range[0] >= found.range![0])) found = node as Node;
  };
  visit(doc, {
    Scalar: (_key, node) => {
      consider(node);
    },
    Map: (_key, node) => {
      consider(node);
    },
    Seq: (_key, node) => {
      consider(node);
    },
  });
  return found;
}
