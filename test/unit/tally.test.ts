import { describe, expect, test } from 'vitest'
import { mergeTallies, Tally } from '../../src/detect/tally.js'

// Run-wide label tallies of the parts of a run with threads must merge into the tally one thread
// keeps: the first `limit` labels by where they were first seen, the rest as `other`.

type Line = [ordinal: number, key: string, part: number]

function serial(lines: readonly Line[], limit: number): [string, number][] {
  const t = new Tally<string>(limit, 'other')
  for (const [ordinal, key] of lines) t.add(key, 1, ordinal)
  return mergeTallies([t.data()], limit, 'other')
}

function parallel(lines: readonly Line[], limit: number, parts: number): [string, number][] {
  const tallies = Array.from({ length: parts }, () => new Tally<string>(limit, 'other'))
  for (const t of tallies) t.countEveryKey()
  for (const [ordinal, key, part] of lines) tallies[part]!.add(key, 1, ordinal)
  return mergeTallies(tallies.map((t) => t.data()), limit, 'other')
}

const sorted = (xs: [string, number][]): [string, number][] => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : 1))

describe('merging the label tallies of the parts of a run', () => {
  test('a label first seen in one part and met again in a full part (the issue: P=2 other=1, not P=1 other=2)', () => {
    const lines: Line[] = [[0, 'P', 0], [1, 'Q', 1], [2, 'P', 1]]
    expect(serial(lines, 1)).toEqual([['P', 2], ['other', 1]])
    expect(parallel(lines, 1, 2)).toEqual([['P', 2], ['other', 1]])
  })

  test('random labels over random parts, the literal label `other` included, merge into the serial tally', () => {
    let seed = 7
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    for (let round = 0; round < 50; round++) {
      const keys = 5 + Math.floor(rnd() * 60)
      const lines: Line[] = Array.from({ length: 400 }, (_, i) => [i, rnd() < 0.03 ? 'other' : `k${Math.floor(rnd() ** 2 * keys)}`, Math.floor(rnd() * 3)])
      const limit = 1 + Math.floor(rnd() * 20)
      expect(sorted(parallel(lines, limit, 3))).toEqual(sorted(serial(lines, limit)))
    }
  })

  test('without countEveryKey a part past its limit counts new labels under other (a serial run stays bounded)', () => {
    const t = new Tally<string>(2, 'other')
    for (const k of ['a', 'b', 'c', 'd', 'a']) t.add(k)
    expect(t.data().map((e) => [e.key, e.n])).toEqual([['a', 2], ['b', 1], ['other', 2]])
  })
})
