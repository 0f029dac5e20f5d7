import { describe, expect, test } from 'vitest'
import { AddressTable } from '../../src/detect/address-table.js'
import { canonicalIPv6, containsAddress, formatIPv4, parseNetwork, type Network } from '../../src/parse/address.js'
import { prng } from '../helpers/packet-stream.js'

// Longest-prefix match over auto_dl and reputation networks: an address outside every network (before
// the first, between two, after the last) matches nothing, whatever lies around it.

const net = (text: string): Network => parseNetwork(text)!
const build = (texts: string[]): AddressTable<string> => AddressTable.build(texts.map((t) => ({ net: net(t), value: t })))
const v4 = (text: string): number => net(text).words[0]!

describe('addresses outside every network', () => {
  const t4 = build(['10.0.0.0/8', '10.1.0.0/16', '172.16.0.0/12', '192.168.1.0/24'])

  test.each([
    ['9.255.255.255', undefined],
    ['10.0.0.1', '10.0.0.0/8'],
    ['10.1.2.3', '10.1.0.0/16'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['11.0.0.0', undefined],
    ['172.32.0.0', undefined],
    ['192.168.1.255', '192.168.1.0/24'],
    ['192.168.2.0', undefined],
    ['255.255.255.255', undefined],
    ['0.0.0.0', undefined],
  ])('IPv4 %s matches %s', (addr, want) => {
    expect(t4.lookup(addr, v4(addr))).toBe(want)
    expect(t4.index(addr, v4(addr)) < 0).toBe(want === undefined)
    expect(t4.containing(addr, v4(addr))).toEqual(want === undefined ? [] : expect.arrayContaining([want]))
  })

  const t6 = build(['2001:db8::/32', '2001:db8:1::/48', 'fd00::/8'])

  test.each([
    ['::1', undefined],
    ['2001:db7:ffff::1', undefined],
    ['2001:db8::5', '2001:db8::/32'],
    ['2001:db8:1::5', '2001:db8:1::/48'],
    ['2001:db9::', undefined],
    ['fd12::1', 'fd00::/8'],
    ['fe80::1', undefined],
    ['ffff::1', undefined],
  ])('IPv6 %s matches %s', (addr, want) => {
    expect(t6.lookup(addr, -1)).toBe(want)
    expect(t6.index(addr, -1) < 0).toBe(want === undefined)
  })

  test.each(['', 'not-an-address', '1.2.3.4', '2001:db8::zz'])('text that is no IPv6 address (%j) matches nothing, every time', (text) => {
    for (let i = 0; i < 2; i++) {
      expect(t6.index(text, -1)).toBe(-1)
      expect(t6.lookup(text, -1)).toBeUndefined()
      expect(t6.containing(text, -1)).toEqual([])
    }
  })

  test('an empty table matches nothing', () => {
    const t = build([])
    expect([t.index('10.0.0.1', v4('10.0.0.1')), t.index('2001:db8::1', -1)]).toEqual([-1, -1])
  })
})

describe('against a scan of every network', () => {
  test.each([1, 2, 3])('random nested and disjoint networks agree with containment, most specific first (seed %i)', (seed) => {
    const r = prng(seed)
    const texts = new Set<string>()
    for (let i = 0; i < 60; i++) {
      // Networks bunched in 10.0.0.0/12, so they nest and leave gaps.
      const addr = (0x0a000000 + Math.floor(r() * 2 ** 20)) >>> 0
      texts.add(net(`${formatIPv4(addr)}/${8 + Math.floor(r() * 25)}`).text)
      const w = Math.floor(r() * 2 ** 16).toString(16)
      texts.add(net(`2001:db8:${w}::/${32 + Math.floor(r() * 40)}`).text)
    }
    const nets = [...texts].map(net)
    const t = AddressTable.build(nets.map((n) => ({ net: n, value: n.text })))
    const check = (text: string, num: number): void => {
      const inside = nets.filter((n) => containsAddress(n, text, num)).sort((a, b) => b.prefix - a.prefix)
      expect(t.containing(text, num)).toEqual(inside.map((n) => n.text))
      expect(t.lookup(text, num)).toBe(inside[0]?.text)
    }
    for (let i = 0; i < 400; i++) {
      const num = (0x09f00000 + Math.floor(r() * 2 ** 25)) >>> 0
      check(formatIPv4(num), num)
      const w = Math.floor(r() * 2 ** 16).toString(16)
      check(canonicalIPv6(`2001:db8:${w}::${Math.floor(r() * 100)}`), -1)
    }
  })
})
