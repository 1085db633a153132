// Parses a content file into plain data while keeping the YAML node tree, so that any field
// path (from the schema or from lint) can be turned back into the line an editor must fix.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
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

  const [error] = doc.errors;
  if (error) throw new ContentError(file, line(error.pos[0]), undefined, `invalid YAML: ${error.message}`);

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
