import { describe, expect, test } from 'vitest'
import { canonicalIP, compressIPv6, containsAddress, parseIPv4, parseIPv4Bytes, parseNetwork } from '../../src/parse/address.js'

describe('dotted-quad parsing (text and bytes agree)', () => {
  test.each([
    ['1.2.3.4', 0x01020304],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    ['01.2.3.4', 0x01020304],
    ['1.2.3', -1],
    ['1.2.3.4.5', -1],
    ['1.2.3.256', -1],
    ['1..3.4', -1],
    ['1.2.3.4 ', -1],
    ['1.2.3.0004', -1],
    ['', -1],
  ])('%j -> %i', (text, want) => {
    expect(parseIPv4(text, 0, text.length)).toBe(want)
    expect(parseIPv4Bytes(Buffer.from(text, 'latin1'), 0, text.length)).toBe(want)
  })

  test('a range inside a longer string', () => {
    expect(parseIPv4('SRC=10.0.0.1 ', 4, 12)).toBe(0x0a000001)
  })

  test('characters above U+00FF are refused, not folded into digits by latin1', () => {
    expect(parseIPv4('1.2.3.\u0134', 0, 7)).toBe(-1)
    expect(parseIPv4('1.2.3.\uff14', 0, 7)).toBe(-1)
  })
})

describe('networks (--restrict-ip, auto_dl, portsleuth.conf, reputation feeds)', () => {
  test.each([
    ['10.1.2.3', 32, [0x0a010203], '10.1.2.3'],
    [' 10.1.2.3/8 ', 8, [0x0a000000], '10.0.0.0/8'],
    ['10.1.2.3/08', 8, [0x0a000000], '10.0.0.0/8'],
    ['10.1.2.3/0', 0, [0], '0.0.0.0/0'],
    ['10.1.2.3/31', 31, [0x0a010202], '10.1.2.2/31'],
    ['10.1.2.3/32', 32, [0x0a010203], '10.1.2.3'],
    ['10.1.2.3/255.255.0.0', 16, [0x0a010000], '10.1.0.0/16'],
    ['10.1.2.3/255.255.255.254', 31, [0x0a010202], '10.1.2.2/31'],
    ['10.1.2.3/255.255.255.255', 32, [0x0a010203], '10.1.2.3'],
    ['10.1.2.3/0.0.0.0', 0, [0], '0.0.0.0/0'],
  ])('IPv4 %j', (text, prefix, words, canon) => {
    expect(parseNetwork(text)).toEqual({ v6: false, prefix, words, text: canon })
  })

  test.each([
    ['2001:DB8::1', 128, [0x20010db8, 0, 0, 1], '2001:db8::1'],
    ['2001:db8:1:2:3:4:5:6/32', 32, [0x20010db8, 0, 0, 0], '2001:db8::/32'],
    ['2001:db8:1:2:3:4:5:6/48', 48, [0x20010db8, 0x00010000, 0, 0], '2001:db8:1::/48'],
    ['2001:db8:1:2:3:4:5:6/64', 64, [0x20010db8, 0x00010002, 0, 0], '2001:db8:1:2::/64'],
    ['2001:db8:1:2:3:4:5:6/127', 127, [0x20010db8, 0x00010002, 0x00030004, 0x00050006], '2001:db8:1:2:3:4:5:6/127'],
    ['2001:db8:1:2:3:4:5:7/127', 127, [0x20010db8, 0x00010002, 0x00030004, 0x00050006], '2001:db8:1:2:3:4:5:6/127'],
    ['::1/0', 0, [0, 0, 0, 0], '::/0'],
    ['::ffff:10.1.2.3', 128, [0, 0, 0xffff, 0x0a010203], '::ffff:10.1.2.3'],
  ])('IPv6 %j', (text, prefix, words, canon) => {
    expect(parseNetwork(text)).toEqual({ v6: true, prefix, words, text: canon })
  })

  test.each(['', '10.1.2', '10.1.2.3/33', '10.1.2.3/123', '10.1.2.3/x', '10.1.2.3/', '10.1.2.3/255.0.255.0', '10.1.2.3/255.255.0.1',
    '2001:db8::1/129', '2001:db8::1/1234', '2001:db8::1/x', '2001:db8::1/', '2001:db8::1/ 32', '2001:db8:::1', 'fw.example.org'])('%j is not a network', (text) => {
    expect(parseNetwork(text)).toBeNull()
  })

  test('containment: IPv4 by number, IPv6 by text, never across families', () => {
    const v4 = parseNetwork('192.0.2.0/25')!
    expect(containsAddress(v4, '192.0.2.127', 0xc000027f)).toBe(true)
    expect(containsAddress(v4, '192.0.2.128', 0xc0000280)).toBe(false)
    expect(containsAddress(v4, '2001:db8::1', -1)).toBe(false)
    const v6 = parseNetwork('2001:db8:0:8000::/49')!
    expect(containsAddress(v6, '2001:db8:0:8000::1', -1)).toBe(true)
    expect(containsAddress(v6, '2001:db8:0:ffff:ffff::', -1)).toBe(true)
    expect(containsAddress(v6, '2001:db8:0:7fff::1', -1)).toBe(false)
    expect(containsAddress(v6, '2001:db8:1:8000::1', -1)).toBe(false)
    expect(containsAddress(v6, '192.0.2.1', 0xc0000201)).toBe(false)
    const host = parseNetwork('2001:db8::5')!
    expect(containsAddress(host, '2001:db8::5', -1)).toBe(true)
    expect(containsAddress(host, '2001:db8::4', -1)).toBe(false)
    const all = parseNetwork('::/0')!
    expect(containsAddress(all, '2001:db8::4', -1)).toBe(true)
    expect(containsAddress(all, 'not an address', -1)).toBe(false)
  })

  test.each([
    [' 192.0.2.1 ', '192.0.2.1'],
    ['192.0.2.256', ''],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    [' ::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['2001:db8::g', ''],
    ['', ''],
  ])('canonical text of %j', (text, canon) => {
    expect(canonicalIP(text)).toBe(canon)
  })

  test.each<[number[], string]>([
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
    [[0x2001, 0, 0, 1, 0, 0, 0, 1], '2001:0:0:1::1'],
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'],
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
    [[0xabcd, 1, 2, 3, 4, 5, 6, 7], 'abcd:1:2:3:4:5:6:7'],
  ])('RFC 5952 text of %j', (groups, text) => {
    expect(compressIPv6(groups)).toBe(text)
  })
})
