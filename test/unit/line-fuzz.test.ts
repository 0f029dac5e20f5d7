import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { Detector } from '../../src/detect/detector.js'
import { bareDetectionPlan } from '../helpers/lines.js'
import { LineParser } from '../../src/parse/line.js'
import { textHash } from '../../src/parse/netfilter.js'
import type { Packet } from '../../src/parse/packet.js'
import { expected, models, render } from '../helpers/line-model.js'

// Fuzzing in the suite. A model of valid lines (every head format, IPv4 and IPv6, every protocol,
// options, flags, prefixes) must parse to exactly the model's fields; mutated lines (cut, spliced,
// bytes flipped, numbers made huge or negative, invalid UTF-8, NUL, CR) must never throw, must each
// land in exactly one bucket, and must not change what the valid lines around them parse to.
// A short run is part of `npm test`; `FUZZ_RUNS=100000 npx vitest run test/unit/line-fuzz.test.ts`
// (or `npm run fuzz`) runs long. Inputs that ever failed are kept in test/fixtures/fuzz/*.txt and
// replayed here first.

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const ctx = { year: 2026, reference: Date.UTC(2026, 11, 31, 12) }
const FIELDS = Object.keys(expected(fc.sample(models, { numRuns: 1, seed: 1 })[0]!))
const CAPTURES = path.join(import.meta.dirname, '..', 'fixtures', 'captures')
const REPLAY = path.join(import.meta.dirname, '..', 'fixtures', 'fuzz')

function fields(p: Packet): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((f) => [f, (p as unknown as Record<string, unknown>)[f]]))
}

const verdict = (r: Packet | string): string => (typeof r === 'string' ? r : 'packet')

describe('valid lines from a model parse to the model', () => {
  test(`${RUNS} lines: every field, the time and the route`, () => {
    const parser = new LineParser({ sidString: 'SID' })
    fc.assert(
      fc.property(models, (m) => {
        const line = render(m)
        const b = Buffer.from(line, 'utf8')
        const r = parser.parseBytes(b, 0, b.length, ctx)
        if (typeof r === 'string') throw new Error(`${r} (${parser.error}): ${line}`)
        expect(fields(r), line).toEqual(expected(m))
        expect(r.time, line).toEqual(m.time)
        expect(parser.route(b, 0, b.length), line).toBe(r.srcNum >= 0 ? r.srcNum : textHash(r.src))
      }),
      { numRuns: RUNS },
    )
  })

  test('a line cut anywhere is refused or a packet whose fields are the whole line\'s', () => {
    // A cut that leaves a packet may drop whole optional fields (options, UID, MARK), or shorten
    // the last value when nothing the kernel prints must follow it (a numeric protocol, an ICMP
    // code, echo's SEQ, UDP's LEN): that value is not compared. Nor are the TCP flags of a Proxmox
    // VE line or, without flags, its WINDOW=, which nothing follows (no URGP= without URG).
    const LAST: Record<string, string[]> = { PROTO: ['proto'], CODE: ['icmpCode'], SEQ: ['icmpSeq'], LEN: ['udpLen'], ID: ['icmpId'] }
    const parser = new LineParser({ sidString: 'SID' })
    fc.assert(
      fc.property(models, (m) => {
        const line = render(m)
        const whole = parser.parse(line, ctx) as Packet
        const want = fields(whole)
        const b = Buffer.from(line, 'utf8')
        for (let k = 0; k < b.length; k++) {
          const r = parser.parseBytes(b, 0, k, ctx)
          if (typeof r === 'string') continue
          const got = fields(r)
          const lastKey = /(\w+)=\S*$/.exec(b.subarray(0, k).toString('latin1').trimEnd())?.[1] ?? ''
          for (const f of FIELDS) {
            const pve = m.head.kind === 'pve' && (f === 'flags' || (f === 'window' && lastKey === 'WINDOW'))
            if ((LAST[lastKey] ?? []).includes(f) || f === 'tcpOpts' || f === 'ipOpts' || pve) continue
            expect(got[f], `${f} after a cut at ${k}: ${line}`).toEqual(want[f])
          }
        }
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 10)) },
    )
  })
})

// Mutations of a line's bytes.
type Mutation = (b: Buffer, other: Buffer) => Buffer
const at = (b: Buffer, n: number): number => (b.length === 0 ? 0 : n % (b.length + 1))
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((n) => (b: Buffer) => b.subarray(0, at(b, n))),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (b: Buffer, o: Buffer) => Buffer.concat([b.subarray(0, at(b, i)), o.subarray(at(o, j))])),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: Buffer) => {
    const c = Buffer.from(b)
    if (c.length > 0) c[i % c.length] = v
    return c
  }),
  fc.tuple(fc.nat(), fc.constantFrom('99999999999999999999', '-1', '4294967296', '65536', '256', '0x', '', '1e9', '-0')).map(([i, s]) => (b: Buffer) => {
    const text = b.toString('latin1')
    const numbers = [...text.matchAll(/=(\d+)/g)]
    if (numbers.length === 0) return b
    const m = numbers[i % numbers.length]!
    return Buffer.from(text.slice(0, m.index! + 1) + s + text.slice(m.index! + 1 + m[1]!.length), 'latin1')
  }),
  fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xfe, 0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0], [13], [0x1b, 0x5b], [0xe2, 0x80, 0xae])).map(
    ([i, bytes]) => (b: Buffer) => Buffer.concat([b.subarray(0, at(b, i)), Buffer.from(bytes), b.subarray(at(b, i))]),
  ),
)

/** Runs lines through a Detector and a LineParser; checks the invariants every input must keep. */
function checkStream(lines: readonly Buffer[], valid: ReadonlySet<number>): void {
  const detector = new Detector(bareDetectionPlan(defaultSettings()))
  const parser = new LineParser({ sidString: 'SID' })
  lines.forEach((b, k) => {
    expect(() => detector.lineBytes(b, 0, b.length, ctx, () => `fuzz:${k}`)).not.toThrow()
    const r = parser.parseBytes(b, 0, b.length, ctx)
    if (!valid.has(k)) return
    // A valid line parses as it does alone: nothing a malformed line leaves behind (cached
    // timestamps, texts, prefixes) changes it.
    const alone = new LineParser({ sidString: 'SID' })
    const expectedResult = alone.parseBytes(b, 0, b.length, ctx)
    expect(verdict(r), b.toString()).toBe(verdict(expectedResult))
    if (typeof r !== 'string' && typeof expectedResult !== 'string') expect({ ...fields(r), time: r.time }).toEqual({ ...fields(expectedResult), time: expectedResult.time })
  })
  const skipped = [...detector.skipped.values()].reduce((a, n) => a + n, 0)
  expect(detector.linesRead).toBe(lines.length)
  expect(detector.engine.totals.packets + skipped).toBe(detector.linesRead)
}

const captured = readdirSync(CAPTURES)
  .filter((f) => f.endsWith('.log'))
  .flatMap((f) => readFileSync(path.join(CAPTURES, f), 'utf8').split('\n').filter((l) => l !== ''))
const validLines = fc.oneof(models.map(render), fc.constantFrom(...captured)).map((l) => Buffer.from(l, 'utf8'))

describe('mutated lines', () => {
  test.each(readdirSync(REPLAY).filter((f) => f.endsWith('.txt')))('replay %s', (file) => {
    const cases = readFileSync(path.join(REPLAY, file)).toString('latin1').split('\n').filter((l) => l !== '').map((l) => {
      const tab = l.indexOf('\t')
      return { verdict: l.slice(0, tab), line: Buffer.from(l.slice(tab + 1), 'latin1') }
    })
    const parser = new LineParser({ sidString: 'SID' })
    for (const c of cases) expect(verdict(parser.parseBytes(c.line, 0, c.line.length, ctx)), c.line.toString('latin1').slice(0, 200)).toBe(c.verdict)
    checkStream(cases.map((c) => c.line), new Set())
  })

  test(`${RUNS} streams of valid and mutated lines: no exception, one bucket each, valid lines unharmed`, () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(validLines, validLines, mutation), { minLength: 1, maxLength: 8 }), (items) => {
        const lines: Buffer[] = []
        const valid = new Set<number>()
        for (const [line, other, mutate] of items) {
          lines.push(mutate(line, other))
          valid.add(lines.length)
          lines.push(line)
        }
        checkStream(lines, valid)
      }),
      { numRuns: RUNS },
    )
  })
})
