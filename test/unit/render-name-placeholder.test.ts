// {{name}} / {{name "fallback"}} in an issue's subject and preheader: filled per recipient on
// both send paths (the fast MIME path and nodemailer's composer), with the fallback for those
// without a name and on the web archive; anything else in {{ }} is a lint error.
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import type { Issue, Newsletter } from '../../src/content/schema.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { prepareIssueMime } from '../../src/mail/issue-mime.ts';
import { createRenderer, personalise, stripPersonalTokens, type Renderer } from '../../src/render/index.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { publishedFrom } from './mail-helpers.ts';

const secrets = [{ version: 1, key: 'k'.repeat(40) }];
let base: { issue: Issue; newsletter: Newsletter };
let renderer: Renderer;

beforeAll(async () => {
  const { issue, newsletter, templates } = await loadIssueFile('emails/issues/field-notes-012.yaml');
  base = { issue, newsletter };
  renderer = createRenderer(templates, { encodedSizes });
});

function withHeadline(subject: string, preheader: string) {
  return renderer.renderIssue({ ...base.issue, subject, preheader }, base.newsletter);
}

const links = {
  unsubscribeUrl: 'https://news.example/u/1',
  viewOnlineUrl: 'https://news.example/issues/field-notes-012',
  preferencesUrl: 'https://news.example/p/1',
};

describe('name placeholder in subject and preheader', () => {
  it('fills the name, or the fallback the editor gave, in subject and preheader', async () => {
    const rendered = await withHeadline('{{name "friend"}}, attention got cheaper', 'A note for {{ name }}: three papers on memory.');
    expect(rendered.subject).toBe('friend, attention got cheaper');
    expect(rendered.findings.filter((f) => f.level === 'error')).toEqual([]);

    const ada = personalise(rendered, { ...links, name: 'Ada' });
    expect(ada.subject).toBe('Ada, attention got cheaper');
    expect(ada.html).toContain('A note for Ada: three papers on memory.');
    const nameless = personalise(rendered, links);
    expect(nameless.subject).toBe('friend, attention got cheaper');
    expect(nameless.html).toContain('A note for friend: three papers on memory.');
    expect(ada.html).not.toMatch(/\{\{|%%NL_/);

    // The archive carries nobody's name.
    const web = stripPersonalTokens(rendered, { subscribeUrl: 'https://news.example/subscribe', viewOnlineUrl: links.viewOnlineUrl });
    expect(web.html).toContain('A note for friend:');
    expect(web.html).not.toMatch(/\bAda\b/);
  });

  it('goes out in the Subject header per recipient on the fast path, encoded, and never as a header break', async () => {
    const rendered = await withHeadline('{{name "friend"}}, attention got cheaper', 'Three papers on memory.');
    const mime = prepareIssueMime(publishedFrom(rendered, 'ab'.repeat(32)), { from: 'Field Notes <notes@news.example>', publicUrl: 'https://news.example' });
    const token = signListToken(secrets, '7', 'field-notes-readers');
    const subjects = [];
    for (const name of ['Ada', '李雷', undefined]) {
      const built = mime.build({ subscriberId: '7', email: 'r@example.com', ...(name ? { name } : {}), unsubscribeToken: token });
      subjects.push((await simpleParser(built.raw)).subject);
    }
    expect(subjects).toEqual(['Ada, attention got cheaper', '李雷, attention got cheaper', 'friend, attention got cheaper']);
  });

  it('without a fallback uses the locale default name, with a lint warning', async () => {
    const rendered = await withHeadline('{{name}}, attention got cheaper', 'Three papers on memory.');
    expect(rendered.subject).toBe('reader, attention got cheaper');
    expect(rendered.findings).toContainEqual({ level: 'warning', path: 'subject', message: expect.stringMatching(/without a fallback reads "reader"/) });
  });

  it('lint names any other {{…}} and differing fallbacks, with what to write instead', async () => {
    const rendered = await withHeadline('{{first_name}}, attention got cheaper', '{{name "a"}} and {{name "b"}}');
    const errors = rendered.findings.filter((f) => f.level === 'error');
    expect(errors).toContainEqual({
      level: 'error',
      path: 'subject',
      message: expect.stringMatching(/^\{\{first_name\}\} is not a placeholder this field knows; write \{\{name\}\} or \{\{name "fallback"\}\}/),
    });
    expect(errors).toContainEqual({ level: 'error', path: 'preheader', message: expect.stringMatching(/different fallbacks \("a", "b"\)/) });
  });

  it('leaves a subject without placeholders as it was (one Subject line for every recipient)', async () => {
    const rendered = await withHeadline('Field Notes #12: making attention cheaper', 'Three papers.');
    expect(rendered.subjectSplice).toBeUndefined();
    expect(personalise(rendered, { ...links, name: 'Ada' }).subject).toBe('Field Notes #12: making attention cheaper');
  });
});
