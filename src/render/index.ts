// Pure rendering: issue data → {subject, html, text} with per-recipient tokens, and the cheap
// per-recipient splice. Imports nothing from mail, campaign, subscribers, http or node:fs.
export { createRenderer, type ConfirmData, type Renderer, type RendererOptions } from './renderer.ts';
export { lazyRenderer } from './lazy-renderer.ts';
export { eventIcs, type CalendarEvent } from './calendar.ts';
export { personalise, stripPersonalTokens, type Personalised, type RecipientValues } from './personalise.ts';
export { escapeHtml, splice, toSpliceTemplate, TOKEN_PATTERN } from './splice.ts';
export { trackLinks } from './track-links.ts';
export type { TemplateSet } from './templates.ts';
export * from './types.ts';
