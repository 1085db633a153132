#!/usr/bin/env node
// The published bin: runs the CLI compiled to dist/ at install (`npm install` / `npm ci` run the
// `prepare` script, `tsc -p tsconfig.build.json`), so no TypeScript is compiled at start-up.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('newsletter: the compiled CLI (dist/) is missing; run `npm run build` (npm install does it)\n');
  process.exit(1);
}
await import(entry.href);
