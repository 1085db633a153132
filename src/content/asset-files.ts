// Images an issue or newsletter keeps under emails/assets must be there: a missing one is a
// broken picture in every subscriber's inbox, so it stops the load with the line that names it.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ContentError } from './content-error.ts';
import { parsePath } from './field-path.ts';
import { isAssetPath, type Image } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

export const ASSETS_FOLDER = 'assets';

/** Throws ContentError for the first image (in file order) whose asset file does not exist. */
export async function assertAssetsExist(source: YamlSource, images: readonly { path: string; image: Image }[], emailsDir: string): Promise<void> {
  for (const { path, image } of images) {
    if (!isAssetPath(image.src)) continue;
    const file = join(emailsDir, ASSETS_FOLDER, image.src);
    try {
      await access(file);
    } catch {
      throw new ContentError(source.file, source.lineOf([...parsePath(path), 'src']), `${path}.src`,
        `no image ${file}: put the file there, or write the absolute https URL of the image on your CDN`);
    }
  }
}
