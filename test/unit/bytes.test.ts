import { describe, expect, test } from 'vitest'
import { bytesEqual, decimal, indexOfByte, indexOfText, latin1, RecentText } from '../../src/parse/bytes.js'

// The byte helpers the parser reads numbers and words with, at the ends of their ranges.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1')

describe('decimal numbers in a line (ports, lengths, SEQ/ACK, MARK)', () => {
  test.each([
    ['0', 0],
    ['65535', 65535],
    ['2147483647', 2147483647],
    ['2147483648', 2147483648],
    ['4294967295', 4294967295],
    ['9999999999', 9999999999],
    ['0000000001', 1],
    ['00000000001', -1],
    ['12345678901', -1],
    ['12a', -1],
    ['1:2', -1],
    ['-1', -1],
    ['', -1],
  ])('%j -> %d (at most ten digits, never negative)', (text, want) => {
    const b = bytes(`=${text} `)
    expect(decimal(b, 1, 1 + text.length)).toBe(want)
  })
})

describe('finding bytes and words within a range', () => {
  test('a byte just past the end of the range is not found', () => {
    const b = bytes('abc=d')
    expect(indexOfByte(b, 61, 0, 3)).toBe(-1)
    expect(indexOfByte(b, 61, 0, 4)).toBe(3)
  })

  test('a word is found when it ends exactly at the end of the range, not when it runs past it', () => {
    const b = bytes('xx IN= OUT=')
    expect(indexOfText(b, 'IN=', 0, 6)).toBe(3)
    expect(indexOfText(b, 'IN=', 0, 5)).toBe(-1)
    expect(indexOfText(b, 'OUT=', 0, 10)).toBe(-1)
    expect(indexOfText(b, 'OUT=', 0, 11)).toBe(7)
  })

  test('bytes are equal at the very end of the buffer, and unequal past it', () => {
    const b = bytes('key=abc')
    expect(bytesEqual(b, 4, bytes('abc'))).toBe(true)
    expect(bytesEqual(b, 5, bytes('bcd'))).toBe(false)
  })
})

describe('recent texts', () => {
  test('a value of the same length with no byte in common is decoded, not served from the slot', () => {
    const table = new RecentText(1, latin1)
    expect(table.get(bytes('abcd'), 0, 4)).toBe('abcd')
    expect(table.get(bytes('wxyz'), 0, 4)).toBe('wxyz')
  })

  test('a value is compared from its own start, wherever it lies in the buffer', () => {
    const table = new RecentText(1, latin1)
    expect(table.get(bytes('xyz'), 0, 3)).toBe('xyz')
    // The bytes before the second value read backwards spell the first one.
    expect(table.get(bytes('zyxqq'), 2, 5)).toBe('xqq')
    expect(table.get(bytes('..xyz..'), 2, 5)).toBe('xyz')
  })
})
