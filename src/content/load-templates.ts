// Reads every template file under emails/templates into memory so the renderer stays pure.
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { TemplateSet } from './templates.ts';
import { ContentError } from './content-error.ts';
import { displayPath } from './field-path.ts';

export async function loadTemplates(emailsDir: string): Promise<TemplateSet> {
  const root = join(emailsDir, 'templates');
  let entries: string[];
  try {
    entries = await readdir(root, { recursive: true });
  } catch {
    throw new ContentError(displayPath(root), 1, undefined, 'template folder not found (expected emails/templates with the layout and partials)');
  }
  const files: Record<string, string> = {};
  // Sorted so that the set (and anything hashed from it) does not depend on directory order.
  for (const entry of entries.sort()) {
    const key = entry.split(sep).join('/');
    if (key.split('/').some((part) => part.startsWith('.'))) continue; // editor swap files, .DS_Store
    try {
      files[key] = await readFile(join(root, entry), 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'EISDIR') continue;
      throw cause;
    }
  }
  return { files };
}
