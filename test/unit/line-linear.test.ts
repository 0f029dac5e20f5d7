import { describe, expect, test } from 'vitest'
import { HOSTILE_SHAPES } from '../../bench/hostile-lines.js'
import { LineParser } from '../../src/parse/line.js'

// Every line parses in time linear in its length: a log is attacker-controlled, and one line that
// makes a scanner rescan the rest of the line for each of its bytes stalls a whole run (2,000 lines
// of `IN=x` × 4,000 took 57 s when findBodyStart rescanned the line for every `IN=`). Behaviour,
// not a benchmark: each shape at 256 KiB must parse within a bound a quadratic scan misses by two
// orders of magnitude (about 35 s for `IN=x` at this size) while a linear one needs milliseconds.

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22, 12) }
const SIZE = 256 * 1024
const BOUND_MS = 2000

describe('hostile lines parse in linear time', () => {
  test.each(HOSTILE_SHAPES.map((s) => [s.name, s] as const))('%s', (_name, shape) => {
    const parser = new LineParser({ sidString: 'SID' })
    const line = Buffer.from(shape.line(SIZE), 'latin1')
    expect(line.length).toBeGreaterThanOrEqual(SIZE)
    const t0 = performance.now()
    const verdict = parser.parseBytes(line, 0, line.length, ctx)
    parser.route(line, 0, line.length)
    const ms = performance.now() - t0
    expect(typeof verdict === 'string' ? verdict : 'packet').toBe(shape.verdict)
    expect(ms, `${shape.name}: ${ms.toFixed(0)} ms for ${line.length} bytes`).toBeLessThan(BOUND_MS)
  })
})
