// Images an issue or newsletter keeps under emails/assets must be there: a missing one is a
// broken picture in every subscriber's inbox, so it stops the load with the line that names it
// (every missing one at once, in file order).
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentError, type ContentProblem } from './content-error.ts';
import { parsePath } from './field-path.ts';
import { isAssetPath, type Image } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

export const ASSETS_FOLDER = 'assets';

/** Throws ContentError naming every image whose asset file does not exist. */
export async function assertAssetsExist(source: YamlSource, images: readonly { path: string; image: Image }[], emailsDir: string): Promise<void> {
  const missing: ContentProblem[] = [];
  for (const { path, image } of images) {
    if (!isAssetPath(image.src)) continue;
    const file = join(emailsDir, ASSETS_FOLDER, image.src);
    try {
      await access(file);
    } catch {
      missing.push({
        file: source.file,
        line: source.lineOf([...parsePath(path), 'src']),
        field: `${path}.src`,
        problem: `no image ${file}: put the file there, or write the absolute https URL of the image on your CDN`,
      });
    }
  }
  if (missing.length) throw ContentError.of(missing.sort((a, b) => a.line - b.line));
}
