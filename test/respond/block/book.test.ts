import { describe, expect, test } from 'vitest'
import { InputError } from '../../../src/core/errors.js'
import { BlockBook, type AddResult } from '../../../src/respond/block/book.js'
import { psadTimeouts } from '../../../src/config/settings.js'
import { baseTimeout, blockRegexAllows, DEFAULT_POLICY, offenceTimeout, THIRTY_DAYS, type BlockPolicy } from '../../../src/respond/block/policy.js'

const T0 = Date.UTC(2025, 0, 1)
const S = 1000
const policy = (p: Partial<BlockPolicy> = {}): BlockPolicy => ({ ...DEFAULT_POLICY, ...p })
const req = (target: string, dangerLevel = 3) => ({ ip: target.split('/')[0]!, target, dangerLevel, reason: `DL ${dangerLevel} scan` })
function added(r: AddResult): Extract<AddResult, { kind: 'added' }> {
  if (r.kind !== 'added') throw new Error(`expected added, got ${r.kind}`)
  return r
}

describe('timeouts per danger level', () => {
  test("psad's defaults: DL 1-4 AUTO_BLOCK_TIMEOUT (3600), DL 5 permanent; per-DL values win", () => {
    expect(psadTimeouts()).toEqual([3600, 3600, 3600, 3600, 0])
    expect(psadTimeouts(600, { 2: 60, 5: 86400 })).toEqual([600, 60, 600, 600, 86400])
  })
  test('baseTimeout: unknown DL counts as DL 1; an override wins', () => {
    const p = policy({ dlTimeouts: [10, 20, 30, 40, 0] })
    expect([0, 1, 2, 3, 4, 5, 9].map((dl) => baseTimeout(p, dl))).toEqual([10, 10, 20, 30, 40, 0, 0])
    expect(baseTimeout(policy({ override: 77 }), 5)).toBe(77)
  })
  test('doubling: offence n gets base × 2^(n-1), capped; permanent stays permanent; off means off', () => {
    const p = { doubling: true, maxTimeout: THIRTY_DAYS }
    expect([1, 2, 3, 4].map((n) => offenceTimeout(3600, n, p))).toEqual([3600, 7200, 14400, 28800])
    expect(offenceTimeout(3600, 10, p)).toBe(3600 * 512)
    expect(offenceTimeout(3600, 11, p)).toBe(THIRTY_DAYS)
    expect(offenceTimeout(3600, 5000, p)).toBe(THIRTY_DAYS)
    expect(offenceTimeout(0, 3, p)).toBe(0)
    expect(offenceTimeout(3600, 3, { doubling: false, maxTimeout: THIRTY_DAYS })).toBe(3600)
  })
})

describe('AUTO_BLOCK_REGEX predicate', () => {
  test('off allows all; on needs one matching prefix', () => {
    expect(blockRegexAllows([], null)).toBe(true)
    const re = /ESTAB/
    expect(blockRegexAllows(['DROP ', 'FWSNORT ESTAB 123'], re)).toBe(true)
    expect(blockRegexAllows(['DROP '], re)).toBe(false)
    // A global regex keeps lastIndex between test() calls; the predicate must not depend on that.
    const g = new RegExp('ESTAB', 'g')
    expect(blockRegexAllows(['long prefix ESTAB'], g)).toBe(true)
    expect(blockRegexAllows(['ESTAB'], g)).toBe(true)
  })
})

describe('the block book', () => {
  test('records what it was told, with expiry from the DL timeout', () => {
    const book = new BlockBook(policy())
    const r = added(book.add(req('203.0.113.5', 3), T0))
    expect(r.timeout).toBe(3600)
    expect(r.entry).toEqual({ target: '203.0.113.5/32', family: 4, ip: '203.0.113.5', since: T0, expires: T0 + 3600 * S, dangerLevel: 3, reason: 'DL 3 scan', offences: 1 })
    expect(added(book.add(req('2001:db8::/64', 5), T0)).entry.expires).toBeNull()
    expect(added(book.add({ ...req('198.51.100.1'), timeout: 60 }, T0)).entry.expires).toBe(T0 + 60 * S)
  })
  test('repeat offenders get doubled timeouts after each block ends', () => {
    const book = new BlockBook(policy())
    let now = T0
    const timeouts: number[] = []
    for (let i = 0; i < 4; i++) {
      const r = added(book.add(req('203.0.113.5'), now))
      timeouts.push(r.timeout)
      now = r.entry.expires! + S
      expect(book.expired(now).map((e) => e.target)).toEqual(['203.0.113.5/32'])
      book.remove('203.0.113.5')
    }
    expect(timeouts).toEqual([3600, 7200, 14400, 28800])
    expect(book.toJSON().offences['203.0.113.5/32']).toEqual({ count: 4, last: expect.any(Number) })
  })
  test('offences are forgotten after offenceMemory', () => {
    const book = new BlockBook(policy({ offenceMemory: 3600 * 24 }))
    book.add(req('203.0.113.5'), T0)
    book.remove('203.0.113.5')
    expect(added(book.add(req('203.0.113.5'), T0 + 3600 * S)).timeout).toBe(7200)
    book.remove('203.0.113.5')
    expect(added(book.add(req('203.0.113.5'), T0 + 3 * 24 * 3600 * S)).timeout).toBe(3600)
  })
  test('already blocked, covered by a wider block, or replacing narrower ones', () => {
    const book = new BlockBook(policy())
    book.add(req('203.0.113.5'), T0)
    book.add(req('203.0.113.9'), T0)
    expect(book.add(req('203.0.113.5/32'), T0 + S)).toMatchObject({ kind: 'already', entry: { target: '203.0.113.5/32' } })
    const wide = added(book.add(req('203.0.113.0/24'), T0 + S))
    expect(wide.replaces.map((e) => e.target).sort()).toEqual(['203.0.113.5/32', '203.0.113.9/32'])
    expect(book.list().map((e) => e.target)).toEqual(['203.0.113.0/24'])
    expect(book.add(req('203.0.113.77'), T0 + S)).toMatchObject({ kind: 'covered', by: { target: '203.0.113.0/24' } })
  })
  test('an expired entry does not count as blocked: the next block is a new offence', () => {
    const book = new BlockBook(policy())
    book.add(req('203.0.113.5'), T0)
    expect(added(book.add(req('203.0.113.5'), T0 + 3601 * S)).entry.offences).toBe(2)
  })
  test('the cap refuses new blocks and reports "cap reached" once until the book drops below it', () => {
    const book = new BlockBook(policy({ maxBlocks: 2 }))
    book.add(req('192.0.2.1'), T0)
    book.add(req('192.0.2.2'), T0)
    expect(book.add(req('192.0.2.3'), T0)).toEqual({ kind: 'cap', first: true, max: 2 })
    expect(book.add(req('192.0.2.4'), T0)).toEqual({ kind: 'cap', first: false, max: 2 })
    book.remove('192.0.2.1')
    expect(book.add(req('192.0.2.3'), T0).kind).toBe('added')
    expect(book.add(req('192.0.2.5'), T0)).toEqual({ kind: 'cap', first: true, max: 2 })
    expect(book.add(req('192.0.2.0/24'), T0).kind).toBe('added')
  })
  test('expired() and reapply() after a restart', () => {
    const book = new BlockBook(policy())
    book.add(req('192.0.2.1', 3), T0)
    book.add(req('192.0.2.2', 5), T0)
    book.add({ ...req('192.0.2.3'), timeout: 100 }, T0)
    const later = T0 + 1000 * S + 400
    expect(book.expired(later).map((e) => e.target)).toEqual(['192.0.2.3/32'])
    const plan = BlockBook.fromJSON(JSON.parse(JSON.stringify(book)), policy()).reapply(later)
    expect(plan.apply.map((a) => [a.entry.target, a.remaining])).toEqual([['192.0.2.1/32', 2600], ['192.0.2.2/32', 0]])
    expect(plan.remove.map((e) => e.target)).toEqual(['192.0.2.3/32'])
  })
  test('JSON round trip; damaged data is an InputError naming the entry', () => {
    const book = new BlockBook(policy({ maxBlocks: 1 }))
    book.add(req('192.0.2.1'), T0)
    book.add(req('192.0.2.2'), T0)
    const copy = BlockBook.fromJSON(JSON.parse(JSON.stringify(book)), policy({ maxBlocks: 1 }))
    expect(copy.toJSON()).toEqual(book.toJSON())
    expect(copy.add(req('192.0.2.3'), T0)).toMatchObject({ kind: 'cap', first: false })
    expect(() => BlockBook.fromJSON({ version: 2 })).toThrow(InputError)
    const bad = { ...book.toJSON(), entries: [{ ...book.list()[0]!, target: '1.2.3.4; reboot' }] }
    expect(() => BlockBook.fromJSON(bad)).toThrow(/entry 0: invalid block target/)
    const missing = { ...book.toJSON(), entries: [{ ...book.list()[0]!, since: 'yesterday' }] }
    expect(() => BlockBook.fromJSON(missing)).toThrow(/entry 0 \(192.0.2.1\/32\)/)
  })
  test('offence history is bounded, oldest first', () => {
    const book = new BlockBook(policy({ maxHistory: 2 }))
    for (const [i, ip] of ['192.0.2.1', '192.0.2.2', '192.0.2.3'].entries()) book.add(req(ip), T0 + i)
    expect(Object.keys(book.toJSON().offences)).toEqual(['192.0.2.2/32', '192.0.2.3/32'])
  })
})

describe('block export', () => {
  const book = new BlockBook(policy())
  book.add(req('192.0.2.1', 3), T0)
  book.add(req('2001:db8::/64', 5), T0)
  book.add({ ...req('192.0.2.9'), timeout: 10 }, T0)
  const now = T0 + 600 * S
  test('nft: the table and sets, then the live elements with their remaining time', () => {
    const s = book.export('nft', now)
    expect(s).toContain('add table inet portsleuth\n')
    expect(s.split('\n').filter((l) => l.startsWith('add element'))).toEqual([
      'add element inet portsleuth block4 { 192.0.2.1/32 timeout 3000s }',
      'add element inet portsleuth block6 { 2001:db8::/64 }',
    ])
  })
  test('ipset restore', () => {
    expect(book.export('ipset', now).split('\n').filter((l) => l.startsWith('add'))).toEqual(['add portsleuth4 192.0.2.1/32 timeout 3000 -exist', 'add portsleuth6 2001:db8::/64 timeout 0 -exist'])
  })
  test('json', () => {
    const j = JSON.parse(book.export('json', now))
    expect(j.blocks.map((b: { target: string; remaining: number | null }) => [b.target, b.remaining])).toEqual([['192.0.2.1/32', 3000], ['2001:db8::/64', null]])
  })
})
