// Escaped-by-default HTML for the server-rendered pages: every value interpolated into the
// `html` tagged template is escaped unless it is already SafeHtml (built by `html` itself).
// So a page cannot forget to escape a name, an address or a subject.
import { escapeHtml } from '../../render/splice.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export { escapeHtml };

type Interpolation = SafeHtml | string | number | null | undefined | false | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks a string the program produced itself (never user input) as HTML. */
export function trusted(value: string): SafeHtml {
  return new SafeHtml(value);
}
