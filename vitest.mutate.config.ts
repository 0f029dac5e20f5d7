import { defineConfig } from 'vitest/config'

// The tests StrykerJS runs against each mutant of src/parse and src/detect (stryker.config.mjs): the
// in-process tests. Tests that start bin/run.js run the built dist/, which a mutant of src/ never
// reaches, so they are left out; so are the 2-million-source memory test (a minute under Stryker's
// instrumentation) and the DShield writer's tests, which change TZ while running (Stryker's runner
// does not see the change) and reach src/parse and src/detect only through lines other tests read. The structure test
// (test/arch) reads the source text, which Stryker's instrumentation changes.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/report/**/*.test.ts', 'test/diff/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', 'test/report/dshield.test.ts'],
    testNamePattern: '^(?!.*memory stays bounded: 2,000,000 distinct sources)',
    testTimeout: 120_000,
    env: { TZ: 'UTC' },
  },
})
