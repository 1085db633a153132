// Step 2: view → MJML source. Templates are compiled once per renderer with `strict: true`, so
// a field a template names but the view lacks is an error instead of an empty string.
import Handlebars from 'handlebars';
import { SECTION_KINDS } from '../content/schema.ts';
import { UserError } from '../errors.ts';
import { mirrorBox } from './mirror.ts';
import { WELCOME_TEMPLATE, type TemplateSet } from './templates.ts';

/** A template function; `options` is how Handlebars passes @root, helpers and partials to a partial. */
export type CompiledTemplate = (view: object, options?: Handlebars.RuntimeOptions) => string;

export interface CompiledTemplates {
  layout: CompiledTemplate;
  confirm: CompiledTemplate;
  welcome: CompiledTemplate | null;
}

const SUFFIX = '.mjml.hbs';
const COMPILE_OPTIONS = { strict: true, preventIndent: true } as const;

export function compileTemplates(set: TemplateSet): CompiledTemplates {
  const env = Handlebars.create();
  // `{{#repeat n}}…{{/repeat}}`: the preheader padding, without a long literal in the template.
  env.registerHelper('repeat', function (this: unknown, count: unknown, options: Handlebars.HelperOptions) {
    const n = typeof count === 'number' && count > 0 ? Math.floor(count) : 0;
    let out = '';
    for (let i = 0; i < n; i++) out += options.fn(this);
    return out;
  });
  // `{{together label}}`: the label escaped, its words joined by no-break spaces, so a link's
  // words stay on one line without white-space:nowrap (Outlook for Windows and Samsung ignore
  // it). The templates also make such a link an inline-block: the card's word-break:break-word
  // would otherwise cut a label too long for the rest of a line in mid-word.
  env.registerHelper('together', (text: unknown) => new Handlebars.SafeString(Handlebars.escapeExpression(String(text ?? '')).replace(/ /g, '&nbsp;')));
  // `padding:{{mirror "0 0 0 10px"}}`: a box shorthand as written, or right and left swapped when the view's `dir` is rtl.
  env.registerHelper('mirror', (box: unknown, options: Handlebars.HelperOptions) => {
    const value = String(box);
    return (options.data as { root?: { dir?: unknown } } | undefined)?.root?.dir === 'rtl' ? mirrorBox(value) : value;
  });

  const missing = ['layout', 'confirm', ...SECTION_KINDS.map((kind) => `partials/${kind}`)]
    .map((name) => `${name}${SUFFIX}`)
    .filter((key) => set.files[key] === undefined);
  if (missing.length) {
    throw new UserError(`emails/templates: missing ${missing.join(', ')} (one layout, confirm and one partial per section kind)`);
  }

  for (const [key, source] of Object.entries(set.files)) {
    if (!key.startsWith('partials/') || !key.endsWith(SUFFIX)) continue;
    env.registerPartial(key.slice('partials/'.length, -SUFFIX.length), compile(env, key, source));
  }
  return {
    layout: compile(env, `layout${SUFFIX}`, set.files[`layout${SUFFIX}`]!),
    confirm: compile(env, `confirm${SUFFIX}`, set.files[`confirm${SUFFIX}`]!),
    // Optional: without it no welcome mail is sent (the worker says so).
    welcome: set.files[WELCOME_TEMPLATE] === undefined ? null : compile(env, WELCOME_TEMPLATE, set.files[WELCOME_TEMPLATE]!),
  };
}

/** Parses now (Handlebars compiles lazily) so that a syntax error names its file at start-up. */
function compile(env: typeof Handlebars, key: string, source: string): CompiledTemplate {
  try {
    env.parse(source);
  } catch (error) {
    throw new UserError(`emails/templates/${key}: ${oneLine(error)}`);
  }
  const template = env.compile(source, COMPILE_OPTIONS);
  return (view, options) => {
    try {
      return template(view, options);
    } catch (error) {
      if (error instanceof UserError) throw error; // already names the innermost template
      throw new UserError(`emails/templates/${key}: ${oneLine(error)}`);
    }
  };
}

function oneLine(error: unknown): string {
  // Handlebars names the context object as "[object Object]", which tells an editor nothing.
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').replace(' in [object Object]', '');
}
