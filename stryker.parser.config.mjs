// `npm run mutate:parser`: StrykerJS over src/parse with the parser's own tests
// (vitest.mutate-parser.config.ts); on demand, not in CI. The score is in the README's Testing section.
// @ts-check
import base from './stryker.config.mjs'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutate-parser.config.ts', related: false },
  mutate: ['src/parse/**/*.ts'],
  htmlReporter: { fileName: 'reports/mutation/parser.html' },
  jsonReporter: { fileName: 'reports/mutation/parser.json' },
  incrementalFile: 'reports/mutation/parser-incremental.json',
}
