import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { feedSources, firstNetwork, loadReputation, parseReputationArg, parseReputationFeed } from '../../src/config/reputation.js'
import { ConfigError, UsageError } from '../../src/core/errors.js'
import { AddressTable, type Intervals } from '../../src/detect/address-table.js'
import { canonicalIP, ipv6Words, parseIPv4, parseNetwork, type Network } from '../../src/parse/address.js'
import { tempDir } from '../helpers/cli.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const net = (t: string): Network => parseNetwork(t)!
const num = (ip: string): number => (ip.includes(':') ? -1 : parseIPv4(ip, 0, ip.length))
const ip4 = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`

// Sorted, disjoint, merged: every interval non-empty, strictly after the previous one, and never
// contiguous with a previous interval of the same owner.
function assertSortedMerged(iv: Intervals, words: number): void {
  const big = (arr: Uint32Array, i: number): bigint => {
    let v = 0n
    for (let w = 0; w < words; w++) v = (v << 32n) | BigInt(arr[i * words + w]!)
    return v
  }
  const bad: string[] = []
  for (let i = 0; i < iv.count && bad.length < 3; i++) {
    if (big(iv.starts, i) > big(iv.ends, i)) bad.push(`interval ${i} is empty`)
    if (i === 0) continue
    if (big(iv.ends, i - 1) >= big(iv.starts, i)) bad.push(`interval ${i} overlaps or precedes ${i - 1}`)
    else if (big(iv.ends, i - 1) + 1n === big(iv.starts, i) && iv.owners[i - 1] === iv.owners[i]) bad.push(`intervals ${i - 1} and ${i} are not merged`)
  }
  expect(bad).toEqual([])
}

describe('AddressTable', () => {
  test('nested networks: most specific wins at every edge, all containing networks listed in order', () => {
    const t = AddressTable.build(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3', '10.255.255.255'].map((n) => ({ net: net(n), value: n })))
    const at = (ip: string): string | undefined => t.lookup(ip, num(ip))
    expect(at('9.255.255.255')).toBeUndefined()
    expect(at('10.0.0.0')).toBe('10.0.0.0/8')
    expect(at('10.0.255.255')).toBe('10.0.0.0/8')
    expect(at('10.1.0.0')).toBe('10.1.0.0/16')
    expect(at('10.1.2.2')).toBe('10.1.2.0/24')
    expect(at('10.1.2.3')).toBe('10.1.2.3')
    expect(at('10.1.2.4')).toBe('10.1.2.0/24')
    expect(at('10.1.2.255')).toBe('10.1.2.0/24')
    expect(at('10.1.3.0')).toBe('10.1.0.0/16')
    expect(at('10.2.0.0')).toBe('10.0.0.0/8')
    expect(at('10.255.255.254')).toBe('10.0.0.0/8')
    expect(at('10.255.255.255')).toBe('10.255.255.255')
    expect(at('11.0.0.0')).toBeUndefined()
    expect(t.containing('10.1.2.3', num('10.1.2.3'))).toEqual(['10.1.2.3', '10.1.2.0/24', '10.1.0.0/16', '10.0.0.0/8'])
    assertSortedMerged(t.v4, 1)
    expect(t.v4.count).toBe(8)
  })
  test('address space edges: 0.0.0.0/0, 0.0.0.0 and 255.255.255.255', () => {
    const t = AddressTable.build([{ net: net('0.0.0.0/0'), value: 'all' }, { net: net('255.255.255.255'), value: 'top' }, { net: net('0.0.0.0'), value: 'zero' }])
    expect(t.lookup('0.0.0.0', 0)).toBe('zero')
    expect(t.lookup('0.0.0.1', 1)).toBe('all')
    expect(t.lookup('255.255.255.254', 0xfffffffe)).toBe('all')
    expect(t.lookup('255.255.255.255', 0xffffffff)).toBe('top')
    assertSortedMerged(t.v4, 1)
  })
  test('IPv6: prefixes across word boundaries, ::/0, full and compressed text', () => {
    const t = AddressTable.build(['2001:db8::/32', '2001:db8:0:f100::/56', '2001:db8:0:f101::2', '::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'].map((n) => ({ net: net(n), value: n })))
    const at = (ip: string): string | undefined => t.lookup(canonicalIP(ip), -1)
    expect(at('2001:0db8:0000:f101:0000:0000:0000:0002')).toBe('2001:db8:0:f101::2')
    expect(at('2001:db8:0:f101::1')).toBe('2001:db8:0:f100::/56')
    expect(at('2001:db8:0:f1ff:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:f100::/56')
    expect(at('2001:db8:0:f200::')).toBe('2001:db8::/32')
    expect(at('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('2001:db8::/32')
    expect(at('2001:db9::')).toBe('::/0')
    expect(at('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')
    expect(t.lookup('192.0.2.1', num('192.0.2.1'))).toBeUndefined()
    expect(t.indexV6(ipv6Words('::')!)).toBe(t.index('::', -1))
    assertSortedMerged(t.v6, 4)
  })
  test('identical networks are merged by the merge function', () => {
    const t = AddressTable.build([{ net: net('10.0.0.0/8'), value: [1] }, { net: net('10.0.0.0/255.0.0.0'), value: [2] }], (a, b) => [...a, ...b])
    expect(t.lookup('10.1.1.1', num('10.1.1.1'))).toEqual([1, 2])
    expect(t.duplicates).toBe(1)
    expect(t.size).toBe(1)
  })
  test('120,000 entries: sorted and merged, edges and random addresses agree with brute force', () => {
    let seed = 12345
    const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0)
    const n = 120_000
    const items: { net: Network; value: number }[] = []
    const lo = new Float64Array(n)
    const hi = new Float64Array(n)
    const len = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      const prefix = i % 10 === 0 ? [8, 12, 16, 20, 24][rnd() % 5]! : i % 3 === 0 ? 31 : 32
      const nw = net(`${ip4(rnd())}/${prefix}`)
      items.push({ net: nw, value: i })
      lo[i] = nw.words[0]!
      hi[i] = nw.words[0]! + 2 ** (32 - prefix) - 1
      len[i] = prefix
    }
    const t = AddressTable.build(items)
    assertSortedMerged(t.v4, 1)
    expect(t.size + t.duplicates).toBe(n)
    // Brute force: the most specific range containing addr (the first listed on ties).
    const brute = (addr: number): number | undefined => {
      let best = -1
      for (let i = 0; i < n; i++) if (addr >= lo[i]! && addr <= hi[i]! && (best < 0 || len[i]! > len[best]!)) best = i
      return best < 0 ? undefined : best
    }
    const probes: number[] = [0, 0xffffffff]
    for (let k = 0; k < 60; k++) {
      const i = rnd() % n
      probes.push(lo[i]!, hi[i]!, (lo[i]! - 1) >>> 0, (hi[i]! + 1) >>> 0, rnd())
    }
    for (const addr of probes) expect(t.lookup(ip4(addr), addr)).toBe(brute(addr))
  })
})

describe('reputation lists', () => {
  test('REPUTATION_FEED: psad 3.0 format, IP/newline only', () => {
    const e = (value: string) => ({ key: 'REPUTATION_FEED', value, file: 'psad.conf', line: 9 })
    expect(parseReputationFeed(e('"ET, Block IPs",4,IP,newline,1440,Y,ET-Block-IPs,"/usr/bin/curl -o $LOCAL_FILE https://example.net/x.txt"'))).toEqual({
      name: 'ET, Block IPs', dl: 4, updateMinutes: 1440, diffs: true, localFile: 'ET-Block-IPs',
      updateCmd: '/usr/bin/curl -o $LOCAL_FILE https://example.net/x.txt', entry: 'psad.conf:9',
    })
    for (const [value, msg] of [
      ['"x",4,IP,CSV,0,N,x,""', "psad.conf:9: invalid REPUTATION_FEED: data format 'CSV': only newline is supported"],
      ['"x",4,DOMAIN,newline,0,N,x,""', "data type 'DOMAIN': only IP is supported"],
      ['"x",0,IP,newline,0,N,x,""', "danger level '0': expected 1-5"],
      ['"x",4,IP,newline,99999,N,x,""', 'update interval'],
      ['"x",4,IP,newline', 'expected 8 comma-separated fields but found 4'],
    ]) expect(() => parseReputationFeed(e(value!))).toThrow(msg)
  })
  test('--reputation FILE[:DL[:NAME]]', () => {
    expect(parseReputationArg('/lists/drop.txt')).toEqual({ name: 'drop', dl: 4, file: '/lists/drop.txt', origin: '--reputation' })
    expect(parseReputationArg('/lists/drop.txt:5')).toMatchObject({ name: 'drop', dl: 5, file: '/lists/drop.txt' })
    expect(parseReputationArg('/lists/drop.txt:5:Spamhaus DROP')).toMatchObject({ name: 'Spamhaus DROP', dl: 5 })
    expect(parseReputationArg('/odd:dir/list')).toMatchObject({ file: '/odd:dir/list', dl: 4 })
    expect(() => parseReputationArg('/lists/drop.txt:9')).toThrow(UsageError)
  })
  test('REPUTATION_FEED local files live in REPUTATION_FEEDS_DIR unless absolute', () => {
    const f = { name: 'a', dl: 4, updateMinutes: 0, diffs: false, updateCmd: '', entry: 'c:1' }
    expect(feedSources([{ ...f, localFile: 'ET-Block-IPs' }, { ...f, localFile: '/abs/list' }], '/etc/psad/reputation_feeds').map((s) => s.file))
      .toEqual(['/etc/psad/reputation_feeds/ET-Block-IPs', '/abs/list'])
  })
  test.each([
    ['1.2.3.4', '1.2.3.4'],
    ['  1.10.16.0/20 ; SBL256894', '1.10.16.0/20'],
    ['{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}', '1.10.16.0/20'],
    ['2001:DB8::/32 ; SBL1', '2001:db8::/32'],
    ['Last-Modified: Tue, 01 Jan 2030 10:00:00 GMT', null],
    ['; Spamhaus DROP List 2030/01/01', null],
    ['300.1.1.1 then 5.6.7.8', '5.6.7.8'],
  ])('first address on %j -> %s', (line, want) => {
    expect(firstNetwork(line)?.text ?? null).toBe(want)
  })
  test("psad's test-suite feeds: match, DL, feed name, list line; overlaps across feeds", async () => {
    const a = path.join(dir, 'test-block-ips.txt')
    const b = path.join(dir, 'test-block-ips-2.txt')
    writeFileSync(a, '# Test Block IPs\n100.16.243.115\n107.170.219.0/24\nnot an address\n\n')
    writeFileSync(b, '104.131.109.234\n92.53.90.0/24\n107.170.219.0/24 ; also here\n')
    const rep = await loadReputation([
      { name: 'Test Block IPs', dl: 4, file: a, origin: 'psad.conf:10' },
      { name: 'Test Block IPs 2', dl: 5, file: b, origin: '--reputation' },
    ])
    expect(rep.lookup('100.16.243.115', num('100.16.243.115'))).toEqual({ feed: 'Test Block IPs', dl: 4, network: '100.16.243.115', entry: `${a}:2` })
    expect(rep.lookup('92.53.90.7', num('92.53.90.7'))).toMatchObject({ feed: 'Test Block IPs 2', dl: 5, network: '92.53.90.0/24' })
    expect(rep.lookup('192.168.10.55', num('192.168.10.55'))).toBeNull()
    // Listed by both: the higher danger level first; matches() lists both.
    expect(rep.lookup('107.170.219.9', num('107.170.219.9'))?.feed).toBe('Test Block IPs 2')
    expect(rep.matches('107.170.219.9', num('107.170.219.9')).map((m) => m.feed)).toEqual(['Test Block IPs 2', 'Test Block IPs'])
    expect(rep.feeds.map((f) => [f.name, f.entries, f.skippedLines])).toEqual([['Test Block IPs', 2, 1], ['Test Block IPs 2', 3, 0]])
  })
  test('an unreadable list is a ConfigError naming where it was configured', async () => {
    await expect(loadReputation([{ name: 'x', dl: 4, file: path.join(dir, 'missing'), origin: 'psad.conf:3' }])).rejects.toThrow(ConfigError)
    await expect(loadReputation([{ name: 'x', dl: 4, file: path.join(dir, 'missing'), origin: 'psad.conf:3' }])).rejects.toThrow('no such file or directory (from psad.conf:3)')
  })
})
