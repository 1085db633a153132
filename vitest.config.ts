import { defineConfig } from 'vitest/config';

// Safety nets, not expectations: tests wait for events; a machine shared with other work
// (CI beside CPU-burning processes) may take several times longer than a quiet one.
const timeouts = { testTimeout: 180_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Integration tests share one Redis and one CPU budget; keep files parallel but bounded. Three
    // files at once was tried on this 2-core machine (2026-12-07): 500 and 529 s for the suite
    // against 525 and 514 s with two, within the noise, so two it stays.
    maxWorkers: 2,
    ...timeouts,
    projects: [
      // Pure tests share one module graph per worker (no per-file isolation): they keep no
      // state between files, and importing the renderer once instead of per file saves a
      // third of their time.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, ...timeouts } },
      // Integration tests too: each file starts its own servers under its own Redis key prefix
      // and closes them, so files share nothing but the loaded modules. Loading them once per
      // worker instead of once per file took the suite from 614 to 444 s on this machine
      // (2026-12-07, clean clone, nothing else running): the import phase fell from 211 to 25 s.
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'], isolate: false, ...timeouts } },
    ],
  },
});
