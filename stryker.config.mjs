// `npm run mutate`: StrykerJS over the parser and the detector, on demand (not in CI; it takes about
// an hour on two cores). The score is in the README's Testing section.
// @ts-check
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: ['src/parse/**/*.ts', 'src/detect/**/*.ts'],
  coverageAnalysis: 'perTest',
  dryRunTimeoutMinutes: 30,
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 70, break: null },
}
