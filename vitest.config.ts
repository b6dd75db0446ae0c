import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // a test file's workers and servers get 30 s to close; past that Vitest says what is left
    teardownTimeout: 30_000,
    pool: 'forks',
    // synchronous children (oracles, the CLI) get a timeout, so none can stall the run
    // ... and fast-check's cases are fixed per commit, so a fresh clone runs what CI runs
    setupFiles: [here('./test/helpers/childTimeouts.ts'), here('./test/helpers/propertySeed.ts')],
    // the watchdog names files that run for over 5 minutes; hanging-process names what keeps
    // Vitest from exiting, if anything does
    reporters: [
      'default',
      here('./test/helpers/watchdogReporter.ts'),
      'hanging-process',
      // .ci/run reads this report if the run stalls while closing (see there)
      ...(process.env.TOPOLENS_TEST_REPORT ? ['json'] : []),
    ],
    ...(process.env.TOPOLENS_TEST_REPORT
      ? { outputFile: { json: process.env.TOPOLENS_TEST_REPORT } }
      : {}),
  },
});
