import { describe, expect, test } from 'vitest'
import { hexDigit, isHexDigit } from '../../src/parse/ascii.js'
import { protoName, protoNumber } from '../../src/parse/protocols.js'

describe('IP protocol names and numbers (auto_dl criteria, --proto, reports)', () => {
  test.each([
    ['tcp', 6],
    [' TCP ', 6],
    ['icmp6', 58],
    ['ipv6-icmp', 58],
    ['IPENCAP', 4],
    ['0', 0],
    ['000', 0],
    ['47', 47],
    ['255', 255],
    ['256', -1],
    ['0047', -1],
    ['4 7', -1],
    ['-1', -1],
    ['6x', -1],
    ['x6', -1],
    ['', -1],
    ['no-such-protocol', -1],
  ])('%j -> %i', (text, n) => {
    expect(protoNumber(text)).toBe(n)
  })

  test('names for reports: the keyword, or the number for protocols without one', () => {
    expect([protoName(6), protoName(17), protoName(58), protoName(253), protoName(300)]).toEqual(['tcp', 'udp', 'icmp6', '253', '300'])
  })
})

describe('hexadecimal digit bytes', () => {
  test('every byte: the digits of either case and nothing else', () => {
    const digits = '0123456789abcdefABCDEF'
    for (let c = 0; c < 256; c++) {
      const ch = String.fromCharCode(c)
      const want = digits.includes(ch) ? Number.parseInt(ch, 16) : -1
      expect(hexDigit(c), `byte ${c}`).toBe(want)
      expect(isHexDigit(c), `byte ${c}`).toBe(want >= 0)
    }
  })
})
