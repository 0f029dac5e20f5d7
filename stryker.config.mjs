// `npm run mutate`: StrykerJS over the parser and the detector, on demand (not in CI). `--mutate`
// narrows it to some files; `npm run mutate:all` (scripts/mutate.ts) runs the whole scope in chunks,
// each with its own incremental file and report, and `npm run mutate:parser`
// (stryker.parser.config.mjs) runs src/parse with the parser's own tests. The scores measured are in
// the README's Testing section.
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
