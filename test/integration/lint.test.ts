// The lint step of .ci/run, under the README's test command too: `biome check` with biome.json
// finds nothing in the tree, not even a warning, and every file is formatted (README: Lint and
// format). On a failure the message is the findings.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const biome = fileURLToPath(new URL('../../node_modules/@biomejs/biome/bin/biome', import.meta.url));

function biomeLint(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [biome, 'check', '--error-on-warnings', '--colors=off', '--max-diagnostics=none'], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('lint', () => {
  it('biome check (lint and format) passes on the whole tree', async () => {
    const run = await biomeLint();
    expect(run.code, `npx biome check failed; fix these findings (npm run format for the formatting):\n${run.output}`).toBe(0);
  });
});
