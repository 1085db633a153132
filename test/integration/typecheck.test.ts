// The build (test/global-setup.ts) compiles src/ only; this keeps the tests, scripts and
// workers type-checked too (tsconfig.json), so a wrong call in a test is an error, not luck.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the whole project type-checks under tsconfig.json, tests included', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], { cwd: root }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, stdout: error.stdout ?? '' }),
  );
  expect(result.stdout.split('\n').filter((l) => l.includes('error TS'))).toEqual([]);
  expect(result.code).toBe(0);
}, 120_000);
