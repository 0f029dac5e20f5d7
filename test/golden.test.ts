import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { EXPECTED, goldenCases, goldenReport } from './helpers/golden.js'

// One table-driven test over every real capture: the whole JSON report must equal the reviewed
// expectation in test/fixtures/expected/<case>.json (run `npm run fixtures:update` after an intended
// change and read the diff).
describe('golden reports of the captured fixtures', () => {
  test.each(goldenCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const file = path.join(EXPECTED, `${c.name}.json`)
    expect(existsSync(file), `${file} is missing: run npm run fixtures:update and review it`).toBe(true)
    const expected = JSON.parse(readFileSync(file, 'utf8'))
    expect(JSON.parse(JSON.stringify(await goldenReport(c)))).toEqual(expected)
  })
})
