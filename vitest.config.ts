import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests share one Redis and one CPU budget; keep files parallel but bounded.
    maxWorkers: 2,
    // Safety nets, not expectations: tests wait for events; a machine shared with other work
    // (CI beside CPU-burning processes) may take several times longer than a quiet one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
