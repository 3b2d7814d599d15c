import type { Reporter, TestModule } from 'vitest/node';

/** How many of the slowest test files the summary names, so a CI log shows where the time went. */
const SLOWEST_SHOWN = 12;

/**
 * Ends the run with plain lines CI and people read without parsing vitest's coloured summary: the
 * slowest test files (wall time of their tests and hooks, plus import) and
 * `vitest: N passed, N failed, N skipped`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(slowestFiles(testModules));
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

function slowestFiles(testModules: ReadonlyArray<TestModule>): string {
  const timed = testModules.map((module) => {
    const d = module.diagnostic();
    return {
      name: `${module.project.name} ${module.moduleId.split('/test/').pop() ?? module.moduleId}`,
      ms: d.duration + d.collectDuration,
    };
  });
  timed.sort((a, b) => b.ms - a.ms);
  const lines = timed
    .slice(0, SLOWEST_SHOWN)
    .map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}`);
  return `\nslowest test files:\n${lines.join('\n')}\n`;
}
