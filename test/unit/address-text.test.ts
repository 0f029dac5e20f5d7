import { describe, expect, test } from 'vitest'
import {
  canonicalIP,
  canonicalIPv6,
  canonicalIPv6Bytes,
  containsAddress,
  containsV6,
  parseIPv4Bytes,
  parseNetwork,
} from '../../src/parse/address.js'

// Address texts at their edges: what the kernel prints (dotted quads, IPv6 in the full 8×4-hex
// form, IPv4-mapped addresses) and what users and data files write (compressed IPv6, networks).

const full = (groups: number[]): string => groups.map((w) => w.toString(16).padStart(4, '0')).join(':')

describe('dotted quads from a line\'s bytes', () => {
  test.each([
    ['1.2x3.4', -1],
    ['1.2.3.', -1],
    ['.1.2.3', -1],
    ['1.2.3.4.', -1],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
  ])('%j -> %i (only digits and exactly three dots between non-empty octets)', (text, want) => {
    expect(parseIPv4Bytes(Buffer.from(text, 'latin1'), 0, text.length)).toBe(want)
  })

  test('the unspecified address 0.0.0.0 is an address, not a failure', () => {
    expect(canonicalIP('0.0.0.0')).toBe('0.0.0.0')
  })
})

describe('IPv6 in the kernel\'s full form', () => {
  // RFC 5952 §5: only ::ffff:0:0/96 keeps a dotted tail; a nonzero group anywhere in the first five
  // makes it an ordinary address, written in hex.
  test.each<[number[], string]>([
    [[0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], '::ffff:1.2.3.4'],
    [[0, 0, 0, 0, 0, 0xffff, 0xc000, 0x02ff], '::ffff:192.0.2.255'],
    [[1, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304], '1::ffff:102:304'],
    [[0, 1, 0, 0, 0, 0xffff, 0x0102, 0x0304], '0:1::ffff:102:304'],
    [[0, 0, 1, 0, 0, 0xffff, 0x0102, 0x0304], '::1:0:0:ffff:102:304'],
    [[0, 0, 0, 1, 0, 0xffff, 0x0102, 0x0304], '::1:0:ffff:102:304'],
    [[0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304], '::1:ffff:102:304'],
    [[0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304], '::fffe:102:304'],
  ])('%j is written %j', (groups, want) => {
    const text = full(groups)
    expect(canonicalIPv6Bytes(Buffer.from(` ${text} `, 'latin1'), 1, 1 + text.length)).toBe(want)
    expect(canonicalIPv6(text)).toBe(want)
  })

  test.each([
    '2001-0db8-0000-0000-0000-0000-0000-0001',
    '2001:0db8:0000:0000:0000:0000:0000:000g',
    '2001:0db8:0000:0000:0000:0000:0000:00-1',
    'g001:0db8:0000:0000:0000:0000:0000:0001',
    'zzzz:zzzz:zzzz:zzzz:zzzz:zzzz:zzzz:zzzz',
  ])('39 characters that are not eight groups of four hex digits (%j) are no address', (text) => {
    expect(text).toHaveLength(39)
    expect(canonicalIPv6Bytes(Buffer.from(text, 'latin1'), 0, text.length)).toBe('')
  })
})

describe('IPv6 text in any notation', () => {
  test('the longest address text (45 characters, mapped IPv4 tail) is still read', () => {
    const text = '0000:0000:0000:0000:0000:ffff:192.168.100.200'
    expect(text).toHaveLength(45)
    expect(canonicalIP(text)).toBe('::ffff:192.168.100.200')
  })

  test('a text longer than any address is refused even where ipaddr.js accepts it (a long zone id)', () => {
    expect(canonicalIPv6('fe80::1%eth0')).toBe('fe80::1%eth0')
    expect(canonicalIPv6(`fe80::1%${'a'.repeat(40)}`)).toBe('')
  })
})

describe('networks and containment at their edges', () => {
  test('0.0.0.0 is a network address like any other', () => {
    expect(parseNetwork('0.0.0.0/0')).toEqual({ v6: false, prefix: 0, words: [0], text: '0.0.0.0/0' })
    expect(parseNetwork('0.0.0.0')).toEqual({ v6: false, prefix: 32, words: [0], text: '0.0.0.0' })
  })

  test.each(['2001:db8::1/64x', '2001:db8::1/64/', '2001:db8::1/1x'])('an IPv6 prefix length with trailing text (%j) is refused', (text) => {
    expect(parseNetwork(text)).toBeNull()
  })

  test('the address 0.0.0.0 lies in the networks that hold it; an address that is not IPv4 in none', () => {
    const zeroNet = parseNetwork('0.0.0.0/8')!
    expect(containsAddress(zeroNet, '0.0.0.0', 0)).toBe(true)
    const everything = parseNetwork('0.0.0.0/0')!
    expect(containsAddress(everything, '0.0.0.0', 0)).toBe(true)
    expect(containsAddress(everything, '2001:db8::1', -1)).toBe(false)
    expect(containsAddress(everything, 'not an address', -1)).toBe(false)
  })

  test('a text with colons that is no IPv6 address lies in no IPv6 network, not even ::/0', () => {
    const everything = parseNetwork('::/0')!
    expect(containsAddress(everything, 'zz::zz::1', -1)).toBe(false)
    expect(containsAddress(everything, '2001:db8:::1', -1)).toBe(false)
  })

  test('IPv6 words never lie in an IPv4 network', () => {
    expect(containsV6(parseNetwork('0.0.0.0/0')!, [0, 0, 0, 0])).toBe(false)
    expect(containsV6(parseNetwork('::/0')!, [0, 0, 0, 0])).toBe(true)
  })
})
