import { defineConfig } from 'vitest/config'

// The tests StrykerJS runs against each mutant of src/parse and src/detect (stryker.config.mjs): the
// in-process tests that check what the parser and the detector give. Left out:
// - tests that start bin/run.js: they run the built dist/, which a mutant of src/ never reaches;
// - the linear-time and memory tests (line-linear, retention's 2-million-source run): they check
//   cost rather than values, and a mutant would wait minutes for them;
// - the DShield writer's tests, which change TZ while running (Stryker's runner does not see the
//   change), and the structure test (test/arch), which reads the source text that Stryker's
//   instrumentation changes.
export default defineConfig({
  test: {
    include: ['test/golden.test.ts', 'test/unit/**/*.test.ts', 'test/report/**/*.test.ts', 'test/diff/**/*.test.ts'],
    exclude: [
      'test/**/*.slow.test.ts',
      'test/report/dshield.test.ts',
      'test/unit/line-linear.test.ts',
    ],
    // The property tests (line-fuzz) draw the same cases for every mutant.
    setupFiles: ['test/helpers/fixed-seed.ts'],
    testNamePattern: '^(?!.*memory stays bounded: 2,000,000 distinct sources)',
    // One module graph per run instead of one per test file: StrykerJS starts a fresh worker for
    // every mutant's run, so nothing carries from one mutant to the next, and a run takes about half
    // the time (src/parse/time.ts: 2 min 14 s -> 1 min 22 s, the same status for all 118 mutants).
    isolate: false,
    testTimeout: 120_000,
    env: { TZ: 'UTC' },
  },
})
