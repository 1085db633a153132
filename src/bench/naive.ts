// Naive baseline B: what a newsletter tutorial writes. For every subscriber, in a `for … of`
// loop with `await` (the common tutorial form: one message at a time), compile the Handlebars
// templates, render them with that subscriber's values, `await mjml2html`, derive the text
// part, then `transporter.sendMail({ html, text })` through a plain (non-pooled) nodemailer
// transport. No queue, no ledger. It uses the project's own template and MJML steps, so the
// message is the same issue 64; only the "once per issue" part is done once per subscriber.
// (Lint and the size report, which a tutorial would not have, are left out.)
import nodemailer from 'nodemailer';
import type { Issue, Newsletter } from '../content/schema.ts';
import { compileTemplates } from '../render/handlebars-step.ts';
import { createInlineMarkdown, createMarkdown } from '../render/markdown.ts';
import { mjmlToHtml } from '../render/mjml-step.ts';
import { splice, toSpliceTemplate } from '../render/splice.ts';
import type { TemplateSet } from '../render/templates.ts';
import { createTextConverter } from '../render/text-step.ts';
import { issueView } from '../render/view-model.ts';

export const NAIVE_FORM = 'for…of + await: compile + render + mjml2html + sendMail per subscriber, non-pooled transport';

export interface NaiveOptions {
  smtpUrl: string;
  issue: Issue;
  newsletter: Newsletter;
  templates: TemplateSet;
  messages: number;
  from: string;
  publicUrl: string;
  onProgress?: (sent: number) => void;
}

export async function runNaive(opts: NaiveOptions): Promise<{ messages: number; seconds: number; rate: number }> {
  const { issue, newsletter } = opts;
  // Module-level helpers a tutorial would also create once.
  const transporter = nodemailer.createTransport(opts.smtpUrl);
  const markdown = { block: createMarkdown(), inline: createInlineMarkdown() };
  const toText = createTextConverter();
  const startedAt = performance.now();
  try {
    for (let i = 0; i < opts.messages; i++) {
      const unsubscribeUrl = `${opts.publicUrl}/unsubscribe/naive-${i}`;
      const compiled = compileTemplates(opts.templates);
      const view = issueView(issue, newsletter, markdown);
      const html = await mjmlToHtml(compiled.layout(view));
      const text = toText(html, newsletter.locale);
      // The subscriber's own values into the page (a tutorial would hand them to the template).
      const values = {
        UNSUBSCRIBE_URL: unsubscribeUrl,
        VIEW_ONLINE_URL: `${newsletter.archiveUrl}/${issue.id}`,
        NAME: `Reader ${i}`,
        PREFERENCES_URL: `${opts.publicUrl}/preferences/naive-${i}`,
        HEADLINE_NAME: `Reader ${i}`,
        CLICK_TOKEN: '',
      };
      await transporter.sendMail({
        from: opts.from,
        to: `naive-${i}@bench.example`,
        subject: view.subject,
        html: splice(toSpliceTemplate(html), values, true),
        text: splice(toSpliceTemplate(text), values, false),
        list: { unsubscribe: unsubscribeUrl },
      });
      if (i % 25 === 24) opts.onProgress?.(i + 1);
    }
  } finally {
    transporter.close();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return { messages: opts.messages, seconds, rate: opts.messages / seconds };
}
