// The renderer's input templates: loaded by src/content, which owns the type.
export type { TemplateSet } from '../content/templates.ts';

/** The optional welcome mail's template (no file, no welcome mail). */
export const WELCOME_TEMPLATE = 'welcome.mjml.hbs';
