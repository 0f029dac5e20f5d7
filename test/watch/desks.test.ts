import { Writable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { Dispatcher, JsonLinesChannel, type WatchEvent } from '../../src/respond/alert/index.js'
import type { BlockDecision, Blocker, BlockedEntry, Presence, UnblockRequest } from '../../src/respond/blocker.js'
import { presence } from '../../src/respond/blocker.js'
import { BlockBook } from '../../src/respond/block/book.js'
import { NeverBlock } from '../../src/respond/block/never-block.js'
import { DEFAULT_POLICY } from '../../src/respond/block/policy.js'
import type { SourceV1 } from '../../src/report/model.js'
import { AlertDesk } from '../../src/watch/alert-desk.js'
import { BlockDesk } from '../../src/watch/block-desk.js'
import { scanSources } from '../helpers/alert-events.js'
import { manualClock } from '../helpers/clock.js'

// The decisions of watch, apart from the follower and the state: when to alert (first reach and each
// rise, never per batch) and when to block (policy, never-block, timeouts, expiry, external flush).

function recorder(): { events: WatchEvent[]; dispatcher: Dispatcher } {
  const events: WatchEvent[] = []
  const out = new Writable({ write(chunk, _e, cb) { for (const l of String(chunk).split('\n')) if (l !== '') events.push(JSON.parse(l) as WatchEvent); cb() } })
  return { events, dispatcher: new Dispatcher({ channels: [new JsonLinesChannel({ out, log: () => {} })], log: () => {} }) }
}

const flushed = (): Promise<void> => new Promise((r) => setTimeout(r, 20))

describe('alert desk', () => {
  test('alerts on the first reach of the alert level and on each rise, never again at the same level', async () => {
    const { first, later } = scanSources()
    const { events, dispatcher } = recorder()
    const desk = new AlertDesk(dispatcher, 1)
    expect(desk.consider(first, ['l1'], Date.UTC(2026, 10, 22, 10), ['fw'])?.dangerLevel).toBe(2)
    expect(desk.consider(first, ['l1'], Date.UTC(2026, 10, 22, 10), ['fw'])).toBeNull()
    const rise = desk.consider(later, ['l2'], Date.UTC(2026, 10, 22, 10, 0, 6), ['fw'])
    expect(rise).toMatchObject({ dangerLevel: later.dangerLevel, previousDangerLevel: 2 })
    expect(rise!.ports.tcp.new).toEqual(['40-209'])
    await flushed()
    expect(events.map((e) => e.type === 'alert' && [e.ip, e.previousDangerLevel, e.dangerLevel])).toEqual([['203.0.113.7', 0, 2], ['203.0.113.7', 2, later.dangerLevel]])
  })

  test('MIN_DANGER_LEVEL is the alert level; records survive a save and restore', () => {
    const { first, later } = scanSources()
    const desk = new AlertDesk(recorder().dispatcher, 3)
    expect(desk.consider(first, [], 0, [])).toBeNull()
    expect(desk.consider(later, [], 0, [])).not.toBeNull()
    const saved = desk.changes()
    desk.saved(saved)
    expect(desk.changes().size).toBe(0)
    const again = new AlertDesk(recorder().dispatcher, 3)
    again.restore(new Map(JSON.parse(JSON.stringify([...saved])) as [string, unknown][]))
    expect(again.consider(later, [], 0, [])).toBeNull()
    expect(again.record('203.0.113.7')).toMatchObject({ dangerLevel: later.dangerLevel, count: 1 })
  })
})

/** A blocker that keeps its blocks in memory, like a firewall would. */
class MemoryBlocker implements Blocker {
  readonly backend = 'memory'
  readonly kernelTimeouts = false
  readonly held = new Map<string, BlockDecision>()
  readonly calls: string[] = []
  async init(): Promise<void> {
    this.calls.push('init')
  }
  async block(d: BlockDecision): Promise<void> {
    this.calls.push(`block ${d.target} ${d.timeout}`)
    this.held.set(d.target, d)
  }
  async unblock(r: UnblockRequest): Promise<void> {
    this.calls.push(`unblock ${r.target}`)
    this.held.delete(r.target)
  }
  async list(): Promise<BlockedEntry[]> {
    return [...this.held.keys()].map((t) => ({ target: t, family: t.includes(':') ? 6 : 4, expiresIn: null }))
  }
  async present(targets: readonly string[]): Promise<Presence> {
    return presence(targets, new Set(this.held.keys()))
  }
  async shutdown(): Promise<void> {
    this.calls.push('shutdown')
  }
}

const source = (ip: string, dl: number, prefixes: Record<string, number> = { DROP: 1 }): SourceV1 => ({ ...scanSources().first, ip, dangerLevel: dl, logPrefixes: prefixes })

async function desk(over: { allow?: string[]; regex?: RegExp | null; maxBlocks?: number } = {}) {
  const clock = manualClock(Date.UTC(2026, 10, 22, 10))
  const blocker = new MemoryBlocker()
  const { events, dispatcher } = recorder()
  const never = await NeverBlock.create({ allow: over.allow ?? [], interfaces: () => ({ eth0: [{ address: '192.0.2.1', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '192.0.2.1/24' }] }), gateways: async () => ['192.0.2.254'] })
  const book = new BlockBook({ ...DEFAULT_POLICY, dlTimeouts: [60, 60, 60, 120, 0], maxBlocks: over.maxBlocks ?? 1000 })
  const logs: string[] = []
  const d = new BlockDesk(blocker, book, never, { dangerLevel: 3, prefixRegex: over.regex ?? null, ipv6Prefix: 64 }, dispatcher, clock, (_l, m) => logs.push(m))
  await d.start()
  return { d, blocker, clock, events, logs }
}

describe('block desk', () => {
  test('blocks at AUTO_IDS_DANGER_LEVEL with the per-DL timeout; lifts it on time; repeat offenders get double', async () => {
    const { d, blocker, clock, events } = await desk()
    expect(await d.consider(source('203.0.113.9', 2))).toBe('below AUTO_IDS_DANGER_LEVEL')
    expect(await d.consider(source('203.0.113.9', 4))).toBe('blocked 203.0.113.9/32 for 120 s')
    expect(await d.consider(source('203.0.113.9', 4))).toMatch(/^already blocked/)
    clock.t += 121_000
    await d.tick()
    expect(blocker.held.size).toBe(0)
    expect(await d.consider(source('203.0.113.9', 4))).toBe('blocked 203.0.113.9/32 for 240 s')
    await flushed()
    expect(events.map((e) => e.type)).toEqual(['block', 'unblock', 'block'])
    expect(events[1]).toMatchObject({ type: 'unblock', reason: 'timeout', target: '203.0.113.9/32' })
  })

  test('never blocks the host, its gateway, loopback, the allowlist; IPv6 by /64; each skip logged once', async () => {
    const { d, blocker, logs } = await desk({ allow: ['198.51.100.0/24'] })
    for (const ip of ['192.0.2.1', '192.0.2.254', '127.0.0.1', '198.51.100.77', '::1', 'fe80::1']) expect(await d.consider(source(ip, 5))).toMatch(/^skipped/)
    await d.consider(source('198.51.100.77', 5))
    expect(logs.filter((l) => l.includes('198.51.100.77'))).toHaveLength(1)
    expect(await d.consider(source('2001:db8:1:2::5', 5))).toBe('blocked 2001:db8:1:2::/64 for ever')
    expect([...blocker.held.keys()]).toEqual(['2001:db8:1:2::/64'])
  })

  test('ENABLE_AUTO_IDS_REGEX: only sources with a matching prefix', async () => {
    const { d } = await desk({ regex: /ESTAB/ })
    expect(await d.consider(source('203.0.113.9', 5, { DROP: 3 }))).toMatch(/^skipped: no log prefix matches/)
    expect(await d.consider(source('203.0.113.10', 5, { '[1] SID2003 ESTAB': 1 }))).toMatch(/^blocked/)
  })

  test('the cap: further blocks refused, one notice', async () => {
    const { d, events } = await desk({ maxBlocks: 1 })
    await d.consider(source('203.0.113.9', 5))
    expect(await d.consider(source('203.0.113.10', 5))).toBe('cap reached')
    expect(await d.consider(source('203.0.113.11', 5))).toBe('cap reached')
    await flushed()
    expect(events.filter((e) => e.type === 'notice')).toHaveLength(1)
  })

  test("the host's addresses are read again every minute: a new address is protected", async () => {
    const clock = manualClock(Date.UTC(2026, 10, 22, 10))
    let addresses: { address: string; netmask: string; family: 'IPv4'; mac: string; internal: boolean; cidr: string }[] = []
    const never = await NeverBlock.create({ interfaces: () => ({ eth0: addresses }) })
    const d = new BlockDesk(new MemoryBlocker(), new BlockBook(), never, { dangerLevel: 3, prefixRegex: null, ipv6Prefix: 64 }, null, clock, () => {})
    addresses = [{ address: '203.0.113.50', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '203.0.113.50/24' }]
    clock.t += 61_000
    await d.tick()
    expect(await d.consider(source('203.0.113.50', 5))).toMatch(/^skipped: .*203\.0\.113\.50/)
  })

  test('an external flush is noticed and the blocks applied again', async () => {
    const { d, blocker, clock, logs } = await desk()
    await d.consider(source('203.0.113.9', 5))
    blocker.held.clear()
    clock.t += 31_000
    await d.tick()
    expect([...blocker.held.keys()]).toEqual(['203.0.113.9/32'])
    expect(logs.some((l) => /lost 1 of 1 blocks/.test(l))).toBe(true)
  })

  test('manual add/remove/flush; a never-blocked network is refused; the book round-trips', async () => {
    const { d, blocker } = await desk()
    await expect(d.add('192.0.2.0/24', 60)).rejects.toThrow(/refusing to block 192.0.2.0\/24/)
    expect(await d.add('198.51.100.0/25', 60)).toBe('blocked 198.51.100.0/25 for 60 s')
    expect(await d.remove('198.51.100.7')).toBe('unblocked 198.51.100.0/25')
    await d.add('203.0.113.0/24', 0)
    await d.add('2001:db8::/48', 0)
    expect(await d.flush()).toBe(2)
    expect(blocker.held.size).toBe(0)
    const saved = d.changes()
    expect(BlockBook.fromJSON(JSON.parse(JSON.stringify(saved))).size).toBe(0)
  })

  test('blocks saved in the book are applied again at start with their remaining time', async () => {
    const first = await desk()
    await first.d.consider(source('203.0.113.9', 4))
    const saved = JSON.parse(JSON.stringify(first.d.changes()))
    const clock = manualClock(first.clock.t + 20_000)
    const blocker = new MemoryBlocker()
    const never = await NeverBlock.create({ interfaces: () => ({}) })
    const again = new BlockDesk(blocker, BlockBook.fromJSON(saved), never, { dangerLevel: 3, prefixRegex: null, ipv6Prefix: 64 }, null, clock, () => {})
    await again.start()
    expect(blocker.calls).toEqual(['init', 'block 203.0.113.9/32 100'])
  })
})
