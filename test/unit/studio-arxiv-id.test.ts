// arXiv ids and links as an editor pastes them (src/studio/arxiv-id.ts): every valid id reads
// back from each form it can be written in, and nothing else becomes an id.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OLD_ARCHIVES, formatArxivId, parseArxivList, parseArxivRef, type ArxivId } from '../../src/studio/arxiv-id.ts';

const two = (n: number) => String(n).padStart(2, '0');

/** A new-style id as arXiv issues them: 4 digits after the dot from 0704 to 1412, 5 since 1501. */
const newId = fc
  .record({ yy: fc.integer({ min: 7, max: 99 }), mm: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 99_999 }) })
  .filter(({ yy, mm }) => yy * 100 + mm >= 704)
  .map(({ yy, mm, n }) => {
    const digits = yy * 100 + mm < 1501 ? 4 : 5;
    return `${two(yy)}${two(mm)}.${String(n % 10 ** digits).padStart(digits, '0')}`;
  });

/** An old-style id: archive, maybe a subject class, then YYMMNNN from 1991 to 2007. */
const oldId = fc
  .record({
    archive: fc.constantFrom(...OLD_ARCHIVES),
    subject: fc.option(fc.constantFrom('AG', 'AI', 'CL', 'GT', 'NC'), { nil: undefined }),
    yy: fc.constantFrom(91, 95, 99, 0, 3, 7),
    mm: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ archive, subject, yy, mm, n }) => `${archive}${subject ? `.${subject}` : ''}/${two(yy)}${two(mm)}${String(n).padStart(3, '0')}`);

const arxivId: fc.Arbitrary<ArxivId> = fc
  .record({
    id: fc.oneof(newId, oldId),
    version: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  })
  .map(({ id, version }) => (version === undefined ? { id } : { id, version }));

/** Every way the same paper may be pasted. */
function spellings(ref: ArxivId): string[] {
  const name = formatArxivId(ref);
  const links = ['http', 'https'].flatMap((scheme) =>
    ['arxiv.org', 'export.arxiv.org'].flatMap((host) => [
      `${scheme}://${host}/abs/${name}`,
      `${scheme}://${host}/pdf/${name}`,
      `${scheme}://${host}/pdf/${name}.pdf`,
    ]),
  );
  return [name, `arXiv:${name}`, ...links];
}

describe('arXiv ids and links', () => {
  it('reads every valid id back from each form: bare, versioned, arXiv:, abs and pdf links (http(s), arxiv.org or export)', () => {
    fc.assert(
      fc.property(arxivId, (ref) => {
        for (const text of spellings(ref)) expect(parseArxivRef(text), text).toEqual(ref);
      }),
      { seed: 28_4, numRuns: 300 },
    );
  });

  it('reads a paste of them in order, one per line or separated by spaces and commas', () => {
    const separator = fc.constantFrom(' ', ',', ', ', '\n', '\r\n', ' ,\n ', '\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(arxivId, fc.nat(), separator), { minLength: 1, maxLength: 12 }), (items) => {
        const texts = items.map(([ref, form]) => {
          const all = spellings(ref);
          return all[form % all.length]!;
        });
        const paste = items.map(([, , sep], i) => `${texts[i]}${sep}`).join('');
        const { ids, problems } = parseArxivList(paste);
        expect(problems).toEqual([]);
        expect(ids.map(({ id, version }) => (version === undefined ? { id } : { id, version }))).toEqual(items.map(([ref]) => ref));
        expect(ids.map((r) => r.input)).toEqual(texts);
      }),
      { seed: 28_4, numRuns: 200 },
    );
  });

  it('never makes an id of junk: whatever it accepts is one of the spellings of the id it returns', () => {
    const piece = fc.constantFrom(
      '2',
      '1',
      '0',
      '7',
      '9',
      '.',
      'v',
      'v0',
      '/',
      'cs',
      'hep-th',
      'math.AG',
      'abs/',
      'pdf/',
      '.pdf',
      'https://',
      'http://',
      'ftp://',
      'arxiv.org/',
      'export.',
      'ARXIV.ORG/',
      'arXiv:',
      ':',
      '-',
      'x',
      ' ',
      '\t',
      '%32',
      '?a',
      '#',
      'evil.com/',
    );
    const junk = fc.oneof(
      fc.string(),
      fc.array(piece, { maxLength: 14 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(junk, (text) => {
        const ref = parseArxivRef(text);
        if ('reason' in ref) return;
        const ok =
          spellings(ref).some((form) => {
            const cut = form.indexOf('/', form.indexOf('//') + 2);
            const [head, tail] = form.includes('://') ? [form.slice(0, cut), form.slice(cut)] : ['', form];
            const rest = text.slice(head.length);
            return (
              text.slice(0, head.length).toLowerCase() === head.toLowerCase() && (rest === tail || rest.startsWith(`${tail}?`) || rest.startsWith(`${tail}#`))
            );
          }) ||
          (text.toLowerCase() === `arxiv:${formatArxivId(ref)}`.toLowerCase() && text.slice(6) === formatArxivId(ref));
        expect(ok, `${JSON.stringify(text)} became ${formatArxivId(ref)}`).toBe(true);
      }),
      { seed: 28_4, numRuns: 3000 },
    );
  });

  it('names the position and the reason of everything else', () => {
    const { ids, problems } = parseArxivList(
      '2210.13463, https://example.org/abs/2210.13463\n 2210.1346 2401.1234 0612.1234 hep-xx/9901001 https://arxiv.org/list/cs.CL/recent cs/0112017v1',
    );
    expect(ids.map(formatArxivId)).toEqual(['2210.13463', 'cs/0112017v1']);
    expect(problems.map((p) => [p.item, p.line, p.column, p.input])).toEqual([
      [2, 1, 13, 'https://example.org/abs/2210.13463'],
      [3, 2, 2, '2210.1346'],
      [4, 2, 12, '2401.1234'],
      [5, 2, 22, '0612.1234'],
      [6, 2, 32, 'hep-xx/9901001'],
      [7, 2, 47, 'https://arxiv.org/list/cs.CL/recent'],
    ]);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringContaining('is a link to example.org, not to arXiv'),
      expect.stringContaining('2210.1346 has 4 digits after the dot; ids since 1501 have 5'),
      expect.stringContaining('2401.1234 has 4 digits after the dot; ids since 1501 have 5'),
      expect.stringContaining("is older than arXiv's new-style ids"),
      expect.stringContaining('hep-xx is not an arXiv archive'),
      expect.stringContaining("not to a paper's abs or pdf page"),
    ]);
  });
});
