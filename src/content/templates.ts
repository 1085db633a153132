// The template files as plain strings, keyed by their path under emails/templates
// (e.g. `layout.mjml.hbs`, `partials/papers.mjml.hbs`). Loaded by src/content, passed to
// the pure renderer, so that rendering itself never reads the file system.
export interface TemplateSet {
  files: Record<string, string>;
}
