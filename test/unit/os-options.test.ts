import { describe, expect, test } from 'vitest'
import { decodeTcpOptions } from '../../src/detect/os/tcp-options.js'

const canon = (hex: string): string | null => decodeTcpOptions(hex)?.canon ?? null

describe('TCP options blob decoding', () => {
  test.each([
    // Linux 6.18 SYN captured here: MSS 1460, SACK permitted, timestamp, NOP, window scale 10.
    ['020405B40402080A71FF303F000000000103030A', 'M1460,S,T,N,W10'],
    ['020405b40402080a71ff303f000000000103030a', 'M1460,S,T,N,W10'],
    ['020405B4', 'M1460'],
    ['', '.'],
    // A zero TSval is T0 (Windows with RFC 1323 timestamps on).
    ['020405B40103030801010402080A0000000000000000', 'M1460,N,W8,N,N,S,T0'],
    // EOL ends the list; the rest is padding and is not listed (macOS ends T,S,EOL,pad).
    ['020405B4010303060101080A3A4B5C6D0000000004020000', 'M1460,N,W6,N,N,T,S,E'],
    ['00FFFFFF', 'E'],
    ['01010101', 'N,N,N,N'],
    // Unknown kinds are skipped by their length: MPTCP (30), TFO cookie (34), experimental 254.
    ['020405B41E0C0081AABBCCDDEEFF0011', 'M1460,?30'],
    ['FE0401020402', '?254,S'],
    ['02 04 05 B4', 'M1460'],
  ])('%s -> %s', (hex, expected) => {
    expect(canon(hex)).toBe(expected)
  })

  test('records the first MSS and the layout without values', () => {
    const d = decodeTcpOptions('020405B40402080A71FF303F000000000103030A')!
    expect(d.mss).toBe(1460)
    expect(d.layout).toBe('M,S,T,N,W')
    expect(d.list.find((o) => o.kind === 8)!.value).toBe(0x71ff303f)
    expect(decodeTcpOptions('0101')!.mss).toBe(-1)
  })

  test.each([
    ['odd number of digits', '020405B'],
    ['non-hex digit', '0204G5B4'],
    ['non-hex in padding after EOL', '00ZZ'],
    ['length 0', '0200'],
    ['length 1', '1E01'],
    ['length past the end', '020405'],
    ['missing length byte', '0101FE'],
    ['MSS with length 3', '020305'],
    ['window scale with length 4', '03040A00'],
    ['timestamp with length 6', '0806AABBCCDD'],
    ['SACK permitted with length 3', '040300'],
    ['more than 40 bytes', '01'.repeat(41)],
  ])('%s: cannot fingerprint (null), no throw', (_what, hex) => {
    expect(decodeTcpOptions(hex)).toBeNull()
  })
})
