import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files run side by side. Most of a server-backed file's time is spent waiting (on timers,
// servers, a browser), so even a 2-core machine runs three at once with profit; vitest's default
// (cores − 1) would run them one by one there. VITEST_MAX_WORKERS overrides (vitest reads it).
const WORKERS = Math.max(3, availableParallelism());
const S3_TESTS = 'test/integration/api/s3-uploads.test.ts';

// Kinds of test, one project each:
//  - unit:        pure logic, no servers;
//  - security:    the abuse suite, the API in-process (no servers);
//  - workflow:    each file starts its own Java time-skipping test server (free port per file);
//  - integration: one Temporal dev server per run (global setup), shared by every file, which
//                 keeps apart by unique task queues and workflow ids;
//  - production:  the production topology (test/production), after every other project.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: WORKERS,
    teardownTimeout: 20_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The abuse suite (test/security): the API in-process on a fake Temporal client, every route
        // against every caller, and generated malformed bodies. No servers.
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The same workflow tests on a worker that caches no workflow: every task replays the whole
        // history, so any decision that depends on more than the history fails here.
        test: {
          name: 'workflow-nocache',
          include: ['test/workflow/**/*.test.ts'],
          env: { TEST_MAX_CACHED_WORKFLOWS: '0' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'toolchain',
          include: ['test/toolchain/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [S3_TESTS],
          globalSetup: ['test/support/global-dev-server.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The S3 upload store against MinIO, which a first run builds in the background: after the
        // other projects, so that build overlaps them instead of holding a test worker while it waits.
        test: {
          name: 'integration-s3',
          include: [S3_TESTS],
          globalSetup: ['test/support/global-dev-server.ts'],
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
          testTimeout: 120_000,
          hookTimeout: 1_500_000,
        },
      },
      {
        test: {
          // The production topology (real Temporal server on PostgreSQL, two workers, two APIs):
          // last, so the server's first build (started in the background by `npm test`) overlaps the rest.
          name: 'production',
          include: ['test/production/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          // Each file brings up its own stack (server, PostgreSQL, workers, APIs): one at a time.
          maxWorkers: 1,
          testTimeout: 1_200_000,
          hookTimeout: 1_800_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-dev-server.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
