// The renderer's input templates: loaded by src/content, which owns the type.
export type { TemplateSet } from '../content/templates.ts';
