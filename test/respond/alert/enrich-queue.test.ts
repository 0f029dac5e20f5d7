import { afterEach, describe, expect, test } from 'vitest'
import { EnrichQueue, type EnrichQueueOptions } from '../../../src/respond/alert/enrich-queue.js'
import type { EnrichLookups } from '../../../src/respond/enrich.js'
import { networkLookups } from '../../../src/respond/enrich-net.js'
import { DnsServer } from '../../helpers/dns-server.js'
import { WhoisServer } from '../../helpers/whois-server.js'

/** In-memory lookups whose answers the test releases by hand, counting every call. */
function manual(): { lookups: EnrichLookups; calls: string[]; answer: (key: string, value: string | Error) => void } {
  const calls: string[] = []
  const pending = new Map<string, { resolve: (v: string) => void; reject: (e: Error) => void }>()
  const ask = (kind: string, ip: string): Promise<string> =>
    new Promise((resolve, reject) => {
      calls.push(`${kind} ${ip}`)
      pending.set(`${kind} ${ip}`, { resolve, reject })
    })
  return {
    calls,
    lookups: { reverse: (ip) => ask('dns', ip), whois: (ip) => ask('whois', ip) },
    answer: (key, value) => {
      const p = pending.get(key)!
      if (value instanceof Error) p.reject(value)
      else p.resolve(value)
    },
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5))
let now = Date.UTC(2026, 10, 22, 10)
const clock = { now: () => now }
const logs: string[] = []
afterEach(() => {
  logs.length = 0
  now = Date.UTC(2026, 10, 22, 10)
})

function queue(lookups: EnrichLookups, over: Partial<EnrichQueueOptions> = {}): EnrichQueue {
  return new EnrichQueue({ dns: true, whois: true, lookups, timeoutMs: 5000, clock, log: (_l, m) => void logs.push(m), ...over })
}

describe('EnrichQueue', () => {
  test('request returns at once; peek shows answers as they arrive; answers are cleaned', async () => {
    const m = manual()
    const q = queue(m.lookups)
    q.request('203.0.113.7')
    expect(q.peek('203.0.113.7')).toBeNull()
    expect(m.calls).toEqual(['dns 203.0.113.7', 'whois 203.0.113.7'])
    m.answer('dns 203.0.113.7', 'scanner.example.net.')
    await tick()
    expect(q.peek('203.0.113.7')).toEqual({ dns: 'scanner.example.net', whois: null })
    m.answer('whois 203.0.113.7', 'netname: EX\x1b[31m\r\ncountry: ZZ\r\n')
    await tick()
    expect(q.peek('203.0.113.7')).toEqual({ dns: 'scanner.example.net', whois: 'netname: EX\ncountry: ZZ' })
  })

  test('answers are cached for the TTL, failures for less', async () => {
    const m = manual()
    const q = queue(m.lookups, { dns: true, whois: false, ttlMs: 3_600_000, failureTtlMs: 60_000 })
    q.request('203.0.113.7')
    q.request('198.51.100.9')
    m.answer('dns 203.0.113.7', 'a.example')
    m.answer('dns 198.51.100.9', new Error('the DNS server failed (SERVFAIL)'))
    await tick()
    q.request('203.0.113.7')
    q.request('198.51.100.9')
    expect(m.calls).toHaveLength(2)
    now += 61_000
    q.request('203.0.113.7')
    q.request('198.51.100.9')
    expect(m.calls).toEqual(['dns 203.0.113.7', 'dns 198.51.100.9', 'dns 198.51.100.9'])
    now += 3_600_000
    q.request('203.0.113.7')
    expect(m.calls.at(-1)).toBe('dns 203.0.113.7')
    expect(logs).toEqual(['enrichment: reverse DNS of 198.51.100.9 failed: the DNS server failed (SERVFAIL)'])
  })

  test('the hourly cap: lookups beyond it are skipped (logged once) until the hour has passed', async () => {
    const m = manual()
    const q = queue(m.lookups, { whois: false, maxPerHour: 2 })
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) q.request(ip)
    expect(m.calls).toEqual(['dns 198.51.100.1', 'dns 198.51.100.2'])
    const t0 = performance.now()
    expect(await q.wait('198.51.100.3', 1000)).toBeNull()
    expect(performance.now() - t0).toBeLessThan(500)
    expect(logs).toEqual(["enrichment: 2 lookups in the last hour; further lookups are skipped until the hour's count drops"])
    m.answer('dns 198.51.100.1', 'a.example')
    m.answer('dns 198.51.100.2', 'b.example')
    await tick()
    q.request('198.51.100.3')
    expect(m.calls).toHaveLength(2)
    now += 3_600_000
    q.request('198.51.100.3')
    expect(m.calls.at(-1)).toBe('dns 198.51.100.3')
    expect(logs).toHaveLength(1)
  })

  test('a dead resolver delays neither whois nor the waiter beyond its wait', async () => {
    const never: EnrichLookups = { reverse: () => new Promise(() => {}), whois: async () => 'netname: EX' }
    const q = queue(never, { timeoutMs: 2000, concurrency: 1 })
    const t0 = performance.now()
    expect(await q.wait('203.0.113.7', 100)).toEqual({ dns: null, whois: 'netname: EX' })
    expect(performance.now() - t0).toBeLessThan(1000)
    // The second address's whois does not queue behind the first address's stuck DNS lookup.
    expect(await q.wait('198.51.100.9', 100)).toEqual({ dns: null, whois: 'netname: EX' })
    await new Promise((r) => setTimeout(r, 2100))
    expect(logs).toEqual(['enrichment: reverse DNS of 203.0.113.7 failed: timed out after 2 s'])
  })

  test('real servers on loopback: a PTR answer and a whois answer; a silent DNS server times out', async () => {
    const dns = await DnsServer.start({ names: { '203.0.113.7': 'scan-7.example.net' } })
    const whois = await WhoisServer.start(() => 'netname: TEST-NET-3\ncountry: ZZ\n')
    const silent = await DnsServer.start({ silent: true })
    try {
      const req = { dns: true, whois: true, minDangerLevel: 1, max: 10, timeoutMs: 1000, dnsServer: { host: '127.0.0.1', port: dns.port }, whoisServer: { host: '127.0.0.1', port: whois.port } }
      const q = queue(await networkLookups(req), { timeoutMs: 1000 })
      expect(await q.wait('203.0.113.7', 3000)).toEqual({ dns: 'scan-7.example.net', whois: 'netname: TEST-NET-3\ncountry: ZZ' })
      const dead = queue(await networkLookups({ ...req, whois: false, dnsServer: { host: '127.0.0.1', port: silent.port } }), { whois: false, timeoutMs: 2000 })
      const t0 = performance.now()
      expect(await dead.wait('203.0.113.7', 150)).toBeNull()
      expect(performance.now() - t0).toBeLessThan(1200)
      expect(silent.queries.length).toBeGreaterThan(0)
    } finally {
      await whois.close()
      dns.close()
      silent.close()
    }
  })
})
