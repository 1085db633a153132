// Exact output of the sample issues, HTML and text, so that any change to templates, content or
// the render chain shows up in review as a diff of these files. Normalised only for reading:
// one tag per line in the HTML. Update on purpose with `npx vitest run -u test/unit/render-golden.test.ts`.
import { encodedSizes } from '../../src/mail/index.ts';
import { describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { createRenderer, personalise } from '../../src/render/index.ts';

const ASSETS_URL = 'https://news.example.test/assets';

async function sample(name: string) {
  const { issue, newsletter, templates } = await loadIssueFile(`emails/issues/${name}.yaml`);
  const rendered = await createRenderer(templates, { assetsUrl: ASSETS_URL, encodedSizes }).renderIssue(issue, newsletter);
  return personalise(rendered, {
    unsubscribeUrl: 'https://news.example.test/unsubscribe/SAMPLE-TOKEN',
    preferencesUrl: 'https://news.example.test/preferences/SAMPLE-TOKEN',
    viewOnlineUrl: `https://news.example.test/issues/${issue.id}`,
    name: newsletter.locale === 'zh-CN' ? '读者' : 'Reader',
  });
}

const oneTagPerLine = (html: string) => `${html.replace(/>\s*</g, '>\n<')}\n`;

describe.each(['pretrain-weekly-064', 'field-notes-012', 'shipping-log-031'])('%s as rendered', (name) => {
  it('HTML', async () => {
    const { subject, html } = await sample(name);
    await expect(`<!-- subject: ${subject} -->\n${oneTagPerLine(html)}`).toMatchFileSnapshot(`../fixtures/golden/${name}.html`);
  });

  it('text', async () => {
    const { text } = await sample(name);
    await expect(text.endsWith('\n') ? text : `${text}\n`).toMatchFileSnapshot(`../fixtures/golden/${name}.txt`);
  });
});
