// Reads vitest's JSON report and prints the closing line CI is judged by: "N passed, N failed"
// (", N skipped" when there are any). A skipped test counts as failed unless .ci/allowed-skips
// lists it with a reason; so does a failed file, an unhandled error, or a run that exited
// non-zero for any other reason: the line never says "0 failed" for a red run.
import { readFileSync } from 'node:fs';

const [reportPath, exitStatus] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

// Each line: <test file> | <start of the test's full name> | <reason>. '#' starts a comment.
const allowed = readFileSync(new URL('./allowed-skips', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean)
  .map((line) => {
    const [file, name, reason] = line.split('|').map((part) => part.trim());
    if (!file || !name || !reason) throw new Error(`.ci/allowed-skips: "${line}" needs file | test name | reason`);
    return { file, name, reason };
  });

let passed = 0;
let failed = 0;
let skipped = 0;
const unlisted = [];
for (const file of report.testResults) {
  const path = file.name.startsWith(process.cwd()) ? file.name.slice(process.cwd().length + 1) : file.name;
  if (file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')) {
    failed++; // the file itself failed (did not load, a hook threw)
    console.log(`failed file: ${path}: ${String(file.message).split('\n')[0]}`);
  }
  for (const test of file.assertionResults) {
    if (test.status === 'passed') passed++;
    else if (test.status === 'failed') failed++;
    else {
      skipped++;
      const listed = allowed.find((a) => a.file === path && test.fullName.startsWith(a.name));
      if (listed) console.log(`skipped (allowed: ${listed.reason}): ${path} > ${test.fullName}`);
      else unlisted.push(`${path} > ${test.fullName}`);
    }
  }
}
for (const name of unlisted) console.log(`skipped without a reason in .ci/allowed-skips (counted as failed): ${name}`);
failed += unlisted.length + (report.numRuntimeErrorTests || 0);
if (Number(exitStatus) !== 0 && failed === 0) {
  failed = 1;
  console.log(`vitest exited ${exitStatus} with every test passing (an unhandled error? see its output above): counted as 1 failed`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
