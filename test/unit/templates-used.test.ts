// Which templates an issue's HTML can come from (the client-support table's sources): the
// layout, what it names, the partial of each section kind present, and what those name.
import { describe, expect, it } from 'vitest';
import { templatesUsed } from '../../src/render/client-support/templates-used.ts';

const files = {
  'layout.mjml.hbs': '{{> head}}{{> masthead masthead}}{{#each sections}}{{> (lookup . "kind")}}{{/each}}{{> footer footer}}',
  'confirm.mjml.hbs': '{{> head}}<mj-button>Confirm</mj-button>',
  'partials/head.mjml.hbs': '<mj-style>.a{opacity:.5}</mj-style>',
  'partials/masthead.mjml.hbs': '{{#if logo}}{{~> img logo}}{{/if}}',
  'partials/img.mjml.hbs': '<img src="{{src}}">',
  'partials/footer.mjml.hbs': '<p>footer</p>',
  'partials/papers.mjml.hbs': '{{> button}}',
  'partials/button.mjml.hbs': '<mj-button>',
  'partials/quote.mjml.hbs': '<blockquote>',
};

describe('templatesUsed', () => {
  it('follows the layout, its partials, the section kinds present and what they name; nothing else', () => {
    expect(Object.keys(templatesUsed(files, ['papers'])).sort()).toEqual([
      'layout.mjml.hbs',
      'partials/button.mjml.hbs',
      'partials/footer.mjml.hbs',
      'partials/head.mjml.hbs',
      'partials/img.mjml.hbs',
      'partials/masthead.mjml.hbs',
      'partials/papers.mjml.hbs',
    ]);
  });

  it('skips a kind with no partial file and names each file once', () => {
    const used = templatesUsed(files, ['quote', 'quote', 'no-such-kind']);
    expect(Object.keys(used)).toContain('partials/quote.mjml.hbs');
    expect(Object.keys(used)).not.toContain('partials/papers.mjml.hbs');
    expect(Object.keys(used)).not.toContain('confirm.mjml.hbs');
  });
});
