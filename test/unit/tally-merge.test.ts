import { describe, expect, test } from 'vitest'
import { mergeTallies, Tally, type TallyEntry } from '../../src/detect/tally.js'

// A tally as its callers see it: the counts and first ordinals `data()` gives, the pairs `entries()`
// gives, how many keys it holds, a tally brought back from saved data, and the merge of the tallies
// of the parts of one input.

/** Adds each [key, ordinal] once, in order. */
function tallyOf(limit: number, adds: readonly [string, number][], everyKey = false): Tally<string> {
  const t = new Tally<string>(limit, 'other')
  if (everyKey) t.countEveryKey()
  for (const [key, ordinal] of adds) t.add(key, 1, ordinal)
  return t
}

const entry = (key: string, n: number, first: number): TallyEntry<string> => ({ key, n, first })

describe('counting', () => {
  test('each key keeps its count and the ordinal it was first counted at, in the order first seen', () => {
    const t = tallyOf(10, [['a', 3], ['b', 5], ['a', 8], ['c', 9], ['b', 12]])
    expect(t.data()).toEqual([entry('a', 2, 3), entry('b', 2, 5), entry('c', 1, 9)])
    expect(t.entries()).toEqual([['a', 2], ['b', 2], ['c', 1]])
  })

  test('`by` adds that many to a key, whether it is new, the last one counted, or an earlier one', () => {
    const t = new Tally<string>(10, 'other')
    t.add('a', 4, 1)
    t.add('a', 3, 2)
    t.add('b', 5, 3)
    t.add('a', 2, 4)
    expect(t.data()).toEqual([entry('a', 9, 1), entry('b', 5, 3)])
  })

  test('a key counted without an ordinal is first seen at 0', () => {
    const t = new Tally<string>(10, 'other')
    t.add('a')
    t.add('a')
    expect(t.data()).toEqual([entry('a', 2, 0)])
  })

  test('a tally past its limit counts new keys under other, first seen where the first of them was', () => {
    const t = tallyOf(2, [['a', 0], ['b', 1], ['c', 2], ['d', 3], ['c', 4], ['a', 5], ['b', 6]])
    expect(t.data()).toEqual([entry('a', 2, 0), entry('b', 2, 1), entry('other', 3, 2)])
    expect(t.size).toBe(3)
  })

  test('a key spelled like other shares its count and takes no place among the limit', () => {
    const t = tallyOf(2, [['other', 0], ['a', 1], ['other', 2], ['b', 3], ['c', 4]])
    expect(t.data()).toEqual([entry('other', 3, 0), entry('a', 1, 1), entry('b', 1, 3)])
    expect(t.size).toBe(3)
  })

  test('size is the number of keys held, other included', () => {
    const t = new Tally<string>(3, 'other')
    expect(t.size).toBe(0)
    t.add('a')
    expect(t.size).toBe(1)
    t.add('a')
    t.add('b')
    expect(t.size).toBe(2)
  })
})

describe('counting every key (a part of a run with threads)', () => {
  test('keys past the limit keep their own counts and first ordinals, listed after the others', () => {
    const t = tallyOf(2, [['a', 0], ['b', 1], ['c', 2], ['c', 3], ['d', 4], ['c', 5], ['a', 6]], true)
    expect(t.data()).toEqual([entry('a', 2, 0), entry('b', 1, 1), entry('c', 3, 2), entry('d', 1, 4)])
  })

  test('only the keys within the limit count towards its size and its entries', () => {
    const t = tallyOf(2, [['a', 0], ['b', 1], ['c', 2], ['d', 3]], true)
    expect(t.size).toBe(2)
    expect(t.entries()).toEqual([['a', 1], ['b', 1]])
  })

  test('past the limit the key other is still counted as other', () => {
    const t = tallyOf(1, [['a', 0], ['other', 1], ['b', 2], ['other', 3]], true)
    expect(t.data()).toEqual([entry('a', 1, 0), entry('other', 2, 1), entry('b', 1, 2)])
  })

  test('the key other met before any other key past the limit stays among the kept keys', () => {
    const t = tallyOf(1, [['a', 0], ['b', 1], ['other', 2]], true)
    expect(t.data()).toEqual([entry('a', 1, 0), entry('other', 1, 2), entry('b', 1, 1)])
    expect(t.size).toBe(2)
  })

  test('keys within and past the limit, taking turns, each keep their own count', () => {
    const t = tallyOf(1, [['a', 0], ['b', 1], ['a', 2], ['a', 3], ['b', 4]], true)
    expect(t.data()).toEqual([entry('a', 3, 0), entry('b', 2, 1)])
  })

  test('asking again keeps what was counted past the limit', () => {
    const t = tallyOf(1, [['a', 0], ['b', 1]], true)
    t.countEveryKey()
    t.add('c', 1, 2)
    expect(t.data()).toEqual([entry('a', 1, 0), entry('b', 1, 1), entry('c', 1, 2)])
  })

  test('within the limit it counts like any tally', () => {
    const t = tallyOf(3, [['a', 0], ['b', 1], ['a', 2]], true)
    expect(t.data()).toEqual([entry('a', 2, 0), entry('b', 1, 1)])
  })
})

describe('a tally brought back from its data', () => {
  test('holds the keys, counts and first ordinals it was given, in their order', () => {
    const data = [entry('b', 4, 7), entry('a', 2, 9), entry('other', 5, 11)]
    const t = Tally.fromData(5, 'other', data)
    expect(t.data()).toEqual(data)
    expect(t.entries()).toEqual([['b', 4], ['a', 2], ['other', 5]])
    expect(t.size).toBe(3)
  })

  test('goes on counting where it stopped: its keys fill the limit, other does not', () => {
    const t = Tally.fromData(3, 'other', [entry('other', 5, 0), entry('a', 1, 1), entry('b', 1, 2)])
    t.add('a', 1, 3)
    t.add('c', 1, 4)
    t.add('d', 1, 5)
    expect(t.data()).toEqual([entry('other', 6, 0), entry('a', 2, 1), entry('b', 1, 2), entry('c', 1, 4)])
  })

  test('a full one counts new keys under other', () => {
    const t = Tally.fromData(2, 'other', [entry('a', 1, 0), entry('b', 1, 1)])
    t.add('c', 2, 5)
    expect(t.data()).toEqual([entry('a', 1, 0), entry('b', 1, 1), entry('other', 2, 5)])
  })

  test('does not change with the data it was made from', () => {
    const data = [entry('a', 1, 0)]
    const t = Tally.fromData(2, 'other', data)
    t.add('a', 4, 1)
    expect(data).toEqual([entry('a', 1, 0)])
    expect(t.data()).toEqual([entry('a', 5, 0)])
  })
})

describe('merging the tallies of the parts of one input', () => {
  test('a key in several parts sums its counts and is placed by its earliest first ordinal', () => {
    const parts = [
      [entry('b', 2, 4), entry('a', 1, 6)],
      [entry('a', 3, 1), entry('c', 1, 2), entry('b', 5, 9)],
    ]
    expect(mergeTallies(parts, 10, 'other')).toEqual([['a', 4], ['c', 1], ['b', 7]])
  })

  test('keeps the first `limit` keys by first ordinal and counts the rest under other', () => {
    const parts = [[entry('d', 4, 30), entry('b', 2, 10)], [entry('c', 3, 20), entry('a', 1, 0)]]
    expect(mergeTallies(parts, 2, 'other')).toEqual([['a', 1], ['b', 2], ['other', 7]])
    expect(mergeTallies(parts, 3, 'other')).toEqual([['a', 1], ['b', 2], ['c', 3], ['other', 4]])
    expect(mergeTallies(parts, 4, 'other')).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]])
  })

  test("the parts' own other counts are added to other, which takes no place among the limit", () => {
    const parts = [[entry('other', 5, 1), entry('a', 1, 0)], [entry('b', 2, 3), entry('other', 4, 2), entry('c', 7, 4)]]
    expect(mergeTallies(parts, 2, 'other')).toEqual([['a', 1], ['other', 16], ['b', 2]])
  })

  test('a part\'s own other met after the merge is full adds to the other it already holds', () => {
    expect(mergeTallies([[entry('a', 1, 0), entry('b', 2, 1), entry('other', 4, 2)]], 1, 'other')).toEqual([['a', 1], ['other', 6]])
  })

  test('nothing to merge is an empty tally', () => {
    expect(mergeTallies([], 3, 'other')).toEqual([])
    expect(mergeTallies([[], []], 3, 'other')).toEqual([])
  })

  test('leaves the data of the parts as it was', () => {
    const one = [entry('a', 1, 5)]
    const two = [entry('a', 2, 3)]
    mergeTallies([one, two], 3, 'other')
    expect([one, two]).toEqual([[entry('a', 1, 5)], [entry('a', 2, 3)]])
  })

  test('a saved tally brought back and counted on merges like one never saved', () => {
    const adds: [string, number][] = [['a', 0], ['b', 1], ['a', 2], ['c', 3], ['d', 4]]
    const whole = tallyOf(3, adds)
    const saved = Tally.fromData(3, 'other', tallyOf(3, adds.slice(0, 3)).data())
    for (const [key, ordinal] of adds.slice(3)) saved.add(key, 1, ordinal)
    expect(mergeTallies([saved.data()], 3, 'other')).toEqual(mergeTallies([whole.data()], 3, 'other'))
    expect(mergeTallies([saved.data()], 3, 'other')).toEqual([['a', 2], ['b', 1], ['c', 1], ['other', 1]])
  })
})
