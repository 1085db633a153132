// A Renderer that loads the render pipeline (Handlebars, markdown-it, html-to-text, and MJML
// on its first render: ~80 MB together) when it is first asked to render. A deliver worker only
// renders the rare confirmation, welcome or preferences-link mail; until one comes, it does not carry the weight.
import { WELCOME_TEMPLATE, type TemplateSet } from './templates.ts';
import type { Renderer, RendererOptions } from './renderer.ts';

export function lazyRenderer(templates: TemplateSet, options: RendererOptions): Renderer {
  let real: Promise<Renderer> | undefined;
  const load = () => (real ??= import('./renderer.ts').then((m) => m.createRenderer(templates, options)));
  return {
    renderIssue: async (issue, newsletter) => (await load()).renderIssue(issue, newsletter),
    renderTransactional: (async (name: 'confirm' | 'welcome' | 'preferences-link', data: never) =>
      (await load()).renderTransactional(name as 'confirm', data)) as Renderer['renderTransactional'],
    hasWelcome: () => templates.files[WELCOME_TEMPLATE] !== undefined,
  };
}
