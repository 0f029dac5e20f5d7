import { describe, expect, test } from 'vitest'
import { SourceTable, U32Map } from '../../src/detect/source-table.js'
import { prng } from '../helpers/packet-stream.js'

// Eviction removes sources from the open-addressing table: after any mix of inserts and deletes,
// every key must still be found and no removed key may come back.

describe('U32Map.delete', () => {
  test.each([1, 2, 3])('random inserts and deletes agree with a Map (seed %i)', (seed) => {
    const r = prng(seed)
    const table = new U32Map<number>(16)
    const model = new Map<number, number>()
    // Few distinct keys in a small range, so probe chains are long and wrap around the table's end.
    const keys = Array.from({ length: 300 }, () => Math.floor(r() * 2 ** 32))
    for (let step = 0; step < 20_000; step++) {
      const key = keys[Math.floor(r() * keys.length)]!
      if (r() < 0.45) expect(table.delete(key)).toBe(model.delete(key))
      else {
        table.set(key, step)
        model.set(key, step)
      }
      if (step % 997 === 0) for (const k of keys) expect(table.get(k)).toBe(model.get(k))
    }
    expect(table.size).toBe(model.size)
    for (const k of keys) expect(table.get(k)).toBe(model.get(k))
    const seen: number[] = []
    table.forEach((v) => seen.push(v))
    expect(seen.sort()).toEqual([...model.values()].sort())
  })
})

describe('U32Map.delete with colliding keys', () => {
  // Keys equal modulo 32 share a home slot in a 32-slot table (the hash multiplies by an odd
  // number), so two classes of them build every arrangement of two colliding runs, wrapping
  // around the table's end included, whichever slots the hash gives them.
  const orders: [string, (keys: number[]) => number[]][] = [
    ['oldest first', (k) => k],
    ['newest first', (k) => [...k].reverse()],
    ['from the middle out', (k) => [3, 4, 2, 5, 1, 6, 0, 7].map((i) => k[i]!)],
  ]

  test.each(orders)('every pair of home slots, deleted %s: the rest stay found, the deleted are gone', (_name, order) => {
    const wrong: string[] = []
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 32; b++) {
        const table = new U32Map<number>(16)
        const keys: number[] = []
        for (let m = 1; m <= 4; m++) keys.push((a + 32 * m * 1_000_003) >>> 0, (b + 32 * m * 999_983) >>> 0)
        keys.forEach((k, i) => table.set(k, i))
        const gone = new Set<number>()
        for (const k of order(keys)) {
          if (!table.delete(k)) wrong.push(`${a}/${b}: ${k} not deleted`)
          gone.add(k)
          for (const [i, other] of keys.entries()) if (table.get(other) !== (gone.has(other) ? undefined : i)) wrong.push(`${a}/${b}: ${other} after deleting ${k}`)
        }
        if (table.size !== 0) wrong.push(`${a}/${b}: size ${table.size}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

describe('SourceTable', () => {
  test('delete and forEach over IPv4 and IPv6 keys', () => {
    const t = new SourceTable<string>()
    for (const k of [1, 2 ** 32 - 5, 2 ** 31 - 1, 'fd00::1', '2001:db8::2']) t.set(k, String(k))
    expect(t.delete(2 ** 32 - 5)).toBe(true)
    expect(t.delete('fd00::1')).toBe(true)
    expect(t.delete('fd00::1')).toBe(false)
    expect(t.delete(7)).toBe(false)
    const seen: string[] = []
    t.forEach((v) => seen.push(v))
    expect(seen.sort()).toEqual(['1', '2001:db8::2', String(2 ** 31 - 1)].sort())
    expect(t.size).toBe(3)
  })
})
