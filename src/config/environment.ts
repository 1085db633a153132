// Where configuration comes from: the process environment over the `.env` file in the working
// directory (when there is one). The real environment wins, as with Node's own --env-file, so
// an operator can override one value without editing the file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error.ts';

export const ENV_FILE = '.env';

/** `.env`'s variables (none when the file is absent) under the real environment's. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, dir: string = process.cwd()): NodeJS.ProcessEnv {
  const path = resolve(dir, ENV_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...env };
    throw new ConfigError([
      { variable: ENV_FILE, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix its permissions or remove it` },
    ]);
  }
  return { ...parseEnv(text), ...env };
}
