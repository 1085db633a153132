// `newsletter preview <issue.yaml> [--screenshot FILE.png] [--width N] [--dark]`: without
// --screenshot, write the HTML to a temp file and print its path, then the text part; with it,
// save full-page PNGs from headless Chromium (FILE-375.png and FILE-600.png unless --width is
// given; with --dark as a reader in dark mode sees them, FILE-375-dark.png …).
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../errors.ts';
import type { ImageSize, Shot } from '../../preview/screenshot.ts';

const DEFAULT_WIDTHS = [375, 600];

export function register(program: Command): void {
  program
    .command('preview')
    .description('render an issue for a sample reader: print a temp HTML path and the text, or save screenshots')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .option('--screenshot <file>', 'save a full-page PNG (FILE-375.png and FILE-600.png unless --width is given)')
    .option('--width <px>', 'viewport width for --screenshot', parseWidth)
    .option('--dark', 'with --screenshot: render with prefers-color-scheme: dark (files end in -dark.png)')
    .action(async (file: string, opts: { screenshot?: string; width?: number; dark?: boolean }) => {
      // Loaded on use: the renderer (MJML) and Playwright are heavy.
      const { renderIssueFile } = await import('../../use-cases/render-issue-file.ts');
      const { assetsUrl } = loadConfig(readEnvironment());
      const { issue, newsletter, sample } = await renderIssueFile(file, { assetsUrl });
      if (!opts.screenshot) {
        const dir = await mkdtemp(join(tmpdir(), `newsletter-preview-${issue.id}-`));
        const htmlPath = join(dir, 'email.html');
        await writeFile(htmlPath, sample.html);
        process.stdout.write(`${htmlPath}\n\n${sample.text}\n`);
        return;
      }
      const { ASSETS_FOLDER, issueImages, knownImageSizes } = await import('../../content/index.ts');
      const { screenshotEmail } = await import('../../preview/screenshot.ts');
      const { cjkFontWarning } = await import('../../preview/cjk-font.ts');
      const warning = cjkFontWarning(newsletter.locale);
      if (warning) process.stderr.write(`newsletter preview: ${warning}\n`);
      const shots = screenshotPlan(opts.screenshot, opts.width, opts.dark ? 'dark' : 'light');
      // The issue knows each image's real size; MJML's HTML may only say height="auto".
      const sizes: Map<string, ImageSize> = knownImageSizes(issueImages(issue, newsletter));
      // Images under emails/assets come from their files, whatever ASSETS_URL points at.
      await screenshotEmail(sample.html, shots, sizes, { url: assetsUrl, dir: join(dirname(dirname(file)), ASSETS_FOLDER) });
      for (const shot of shots) process.stdout.write(`${shot.path} (${shot.width} px${shot.colorScheme === 'dark' ? ', dark mode' : ''})\n`);
    });
}

/** One PNG at FILE for an explicit width; otherwise FILE-375.png and FILE-600.png (-dark before .png in dark mode). */
export function screenshotPlan(file: string, width?: number, colorScheme: 'light' | 'dark' = 'light'): Shot[] {
  const stem = file.replace(/\.png$/i, '');
  const dark = colorScheme === 'dark' ? '-dark' : '';
  if (width !== undefined) return [{ width, path: dark ? `${stem}${dark}.png` : file, colorScheme }];
  return DEFAULT_WIDTHS.map((w) => ({ width: w, path: `${stem}-${w}${dark}.png`, colorScheme }));
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!Number.isInteger(width) || width < 200 || width > 2000) {
    throw new UserError(`--width ${value}: must be a whole number of pixels between 200 and 2000`);
  }
  return width;
}
