// Process entry of a deliver worker: `node --import tsx workers/worker.ts [--concurrency N]`
// (or its compiled copy in dist/), configured through the environment only. The process itself
// (configuration, the secrets' check, signals, the two-step stop) is src/worker/worker-main.ts,
// which `newsletter worker` runs too; the worker is src/worker/run-worker.ts.
import { pathToFileURL } from 'node:url';
import { UserError } from '../src/errors.ts';
import { main } from '../src/worker/worker-main.ts';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`newsletter worker: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
}
