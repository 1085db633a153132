// Step 3: MJML source → responsive HTML. mjml 5 is async. Strict validation turns a template
// mistake into an error here rather than a silently dropped block in someone's inbox.
import { UserError } from '../errors.ts';
import { MJML_OPTIONS } from './defaults.ts';

type Mjml2Html = typeof import('mjml').default;
let loaded: Promise<Mjml2Html> | undefined;

/**
 * mjml and its dependencies cost ~50 MB of memory: loaded on the first render, so a process
 * that only sends (a deliver worker splices what was rendered once) never pays for it.
 */
function loadMjml(): Promise<Mjml2Html> {
  loaded ??= import('mjml').then((m) => m.default);
  return loaded;
}

export async function mjmlToHtml(source: string): Promise<string> {
  const mjml2html = await loadMjml();
  let html: string;
  try {
    // Copies: mjml2html writes into the options object it is given.
    ({ html } = await mjml2html(source, { ...MJML_OPTIONS, minifyOptions: { ...MJML_OPTIONS.minifyOptions } }));
  } catch (error) {
    const details = (error as { errors?: Array<{ formattedMessage?: string; message?: string }> }).errors;
    const message = details?.length ? details.map((e) => e.formattedMessage ?? e.message).join('; ') : error instanceof Error ? error.message : String(error);
    throw new UserError(`emails/templates: the MJML they produce is invalid: ${message.replace(/\s*\n\s*/g, ' ')}`);
  }
  // Web fonts are slow or blocked in mainland China; `fonts: {}` keeps MJML's defaults out, but a
  // template could still add one with <mj-font>.
  if (/<link[^>]+fonts\.googleapis\.com|@import[^;]*fonts\.googleapis\.com/.test(html)) {
    throw new UserError('emails/templates: the HTML loads Google Fonts (an <mj-font>?): use the system font stack instead');
  }
  return quietPreheader(html);
}

/**
 * MJML hides the preheader in a <div> with `color:#ffffff`; SpamAssassin scores white text as
 * HTML_FONT_LOW_CONTRAST (0.7). The div stays hidden without the colour (display:none, zero
 * size, opacity 0), and inbox previews still show its text.
 */
const PREHEADER_COLOUR = /(<div style="display:none;font-size:1px;)color:#ffffff;(line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;")/;

export function quietPreheader(html: string): string {
  return html.replace(PREHEADER_COLOUR, '$1$2');
}
