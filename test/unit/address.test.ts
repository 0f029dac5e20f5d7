import { describe, expect, test } from 'vitest'
import { parseIPv4, parseIPv4Bytes } from '../../src/parse/address.js'

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
