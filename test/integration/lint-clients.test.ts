// `newsletter lint --clients` on the model issue, end to end (the compiled CLI): the client-support
// table from caniemail's data for the default targets, then the findings, the client-support
// warnings among them; exit 0 (warnings only). Without --clients the warnings alone.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const FILE = 'emails/issues/pretrain-weekly-064.yaml';

describe('newsletter lint --clients', () => {
  it('prints the table for the default clients, then the warnings, and exits 0', async () => {
    const run = await runCli(['lint', FILE, '--clients']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'client support (caniemail data of 2025-09-09) for Gmail web, Gmail iOS, Gmail Android, Apple Mail macOS, Apple Mail iOS, Outlook Windows, new Outlook, Outlook macOS, Outlook iOS, Outlook Android, Yahoo web, Samsung Email:',
    );
    expect(lines[1]).toMatch(/^feature +lacking +partial +fallback +source$/);
    const row = (feature: string) => lines.find((l) => l.startsWith(`${feature}  `))?.split(/ {2,}/);
    // What the templates brought in and no longer do: opacity is left only in MJML's preheader, which its Outlook tables cover.
    expect(row('opacity')).toEqual(['opacity', 'Outlook Windows', '-', "Outlook Windows: MJML's <!--[if mso | IE]> tables", "MJML's output"]);
    expect(row('@media (prefers-color-scheme)')?.slice(3)).toEqual([
      'Gmail web: not needed: the light-mode inline styles stand; Gmail iOS: not needed: the light-mode inline styles stand; Gmail Android: not needed: the light-mode inline styles stand; Outlook Windows: not needed: the light-mode inline styles stand; Yahoo web: not needed: the light-mode inline styles stand',
      'emails/templates/partials/head.mjml.hbs',
    ]);
    // Sources are the templates this issue uses: not the confirmation or welcome mail, not a partial no section of it has.
    const sources = lines.slice(2).join('\n');
    for (const unused of ['confirm.mjml.hbs', 'welcome.mjml.hbs', 'partials/quote.mjml.hbs', 'partials/sponsor.mjml.hbs', 'partials/button.mjml.hbs'])
      expect(sources, unused).not.toContain(unused);
    expect(sources).toContain('emails/templates/partials/papers.mjml.hbs');
    // The templates keep a link's words together with no-break spaces now, and images carry no height to undo.
    expect(row('white-space')).toBeUndefined();
    expect(row('height property')?.slice(3)).toEqual(['Yahoo web: not needed: height:auto becomes min-height:auto, the default', "MJML's output"]);
    const warnings = lines
      .filter((l) => l.startsWith(`${FILE}: warning: client support: `))
      .map((l) => l.slice(`${FILE}: warning: client support: `.length).replace(/ is not supported.*/, ''));
    // Left: MJML's own word-break on its <td> wrappers.
    expect(warnings).toEqual(['word-break (word-break:break-word)']);
    expect(run.stderr).toMatch(/^emails\/issues\/pretrain-weekly-064\.yaml: 0 errors, 1 warning; html [\d.]+ KB /);
  });

  it('without --clients: the same warnings, no table', async () => {
    const run = await runCli(['lint', FILE]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('client support (caniemail');
    expect(run.stdout.split('\n').filter((l) => l.includes(': warning: client support: '))).toHaveLength(1);
  });
});
