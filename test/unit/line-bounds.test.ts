import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { LineParser } from '../../src/parse/line.js'
import { packetFields } from '../helpers/lines.js'

// The readers hand the parser one line inside a larger buffer: b[start,end) with the next line's
// bytes after end. Whatever those bytes are, the line must give what it gives alone: no field, reason
// or route may depend on a byte past its end.

const CAPTURES = path.join(import.meta.dirname, '../fixtures/captures')
const ctx = { year: 2026, reference: Date.UTC(2026, 11, 6) }

/** The first lines of every capture: each header format, protocol and option layout we record. */
const lines = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.log'))
  .sort()
  .flatMap((f) => readFileSync(path.join(CAPTURES, f), 'utf8').split('\n').filter((l) => l !== '').slice(0, 12))

// Bytes a parser that reads past the end would take as part of the line: a value's continuation,
// a separator, a closing bracket, a key.
const AFTER = ['=', ' ', ')', ']', '0', 'F', ':', '.', ' SRC=198.51.100.9 ', ' PROTO=UDP SPT=1 DPT=2 LEN=8 ', ' OPT (0204) ']

function outcome(parser: LineParser, b: Uint8Array, end: number): unknown {
  const route = parser.route(b, 0, end)
  const r = parser.parseBytes(b, 0, end, ctx)
  return typeof r === 'string' ? { route, verdict: r, error: parser.error } : { route, packet: packetFields(r) }
}

function differences(cuts: readonly string[], afters: readonly string[] = AFTER): string[] {
  const alone = new LineParser({ sidString: 'SID' })
  const inside = new LineParser({ sidString: 'SID' })
  const wrong: string[] = []
  for (const line of cuts) {
    const own = Buffer.from(line, 'utf8')
    const want = JSON.stringify(outcome(alone, own, own.length))
    for (const after of afters) {
      const b = Buffer.from(line + after, 'utf8')
      if (JSON.stringify(outcome(inside, b, own.length)) !== want) wrong.push(`${JSON.stringify(line)} + ${JSON.stringify(after)}`)
    }
  }
  return wrong
}

describe('a line inside a larger buffer', () => {
  test(`gives what it gives alone, whatever follows it (${lines.length} capture lines)`, () => {
    expect(lines.length).toBeGreaterThan(300)
    expect(differences(lines)).toEqual([])
  })

  test('cut at every byte, each cut gives what it gives alone (one line of each header format)', () => {
    const formats = readdirSync(CAPTURES).filter((f) => f.startsWith('fmt-') || f === 'os-probe.log' || f === 'ipv6-icmp.log').sort()
    const cuts: string[] = []
    for (const f of formats) {
      const line = readFileSync(path.join(CAPTURES, f), 'utf8').split('\n')[0]!
      for (let k = 1; k <= line.length; k++) cuts.push(line.slice(0, k))
    }
    expect(differences(cuts, ['=', ' ', ')', ']', '0'])).toEqual([])
  })
})
