// Reads one content file and validates it: the read → YAML → schema chain shared by issue and
// newsletter files. A file that cannot be read is a ContentError too (pointing at line 1).
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ContentError } from './content-error.ts';
import { displayPath } from './field-path.ts';
import { validateSource } from './validate.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

export async function readYamlSource(path: string): Promise<YamlSource> {
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a YAML file' : `cannot be read (${code ?? String(cause)})`;
    throw new ContentError(file, 1, undefined, why);
  }
  return parseYamlSource(file, text);
}

export async function loadYamlFile<S extends z.ZodType>(path: string, schema: S): Promise<{ source: YamlSource; value: z.output<S> }> {
  const source = await readYamlSource(path);
  return { source, value: validateSource(schema, source) };
}
