import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decodeTcpOptions, decodeTcpOptionsAt, type DecodedOptions } from '../../src/detect/os/tcp-options.js'

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

describe('decoding details', () => {
  test.each([
    ['a leading space', ' 020405B4', 'M1460'],
    ['spaces between every byte and at the end', '02 04 05 B4 ', 'M1460'],
    ['a full 40-byte header of options', '020405B4' + '01'.repeat(36), 'M1460' + ',N'.repeat(36)],
    ['a 40-byte header ending in EOL and padding', '0303070101080A00000001000000010402' + '00'.repeat(23), 'W7,N,N,T,S,E'],
  ])('%s: %s -> %s', (_what, hex, expected) => {
    expect(canon(hex)).toBe(expected)
  })

  test.each([
    ['non-hex low digit', '02045GB4'],
    ['a non-ASCII letter', '020405B\u00e9'],
    ['the first code above ASCII', '020405B\u0080'],
    ['a non-ASCII high digit', '0204\u00b55B4'],
    ['41 bytes (one more than a TCP header holds)', '020405B4' + '01'.repeat(37)],
  ])('%s: cannot fingerprint (null)', (_what, hex) => {
    expect(decodeTcpOptions(hex)).toBeNull()
  })

  test('lists every option with its value: MSS, window shift and TSval; -1 for options without one', () => {
    expect(decodeTcpOptions('020405B40402080A71FF303FAABBCCDD0103030A00')!.list).toEqual([
      { kind: 2, value: 1460 }, { kind: 4, value: -1 }, { kind: 8, value: 0x71ff303f }, { kind: 1, value: -1 }, { kind: 3, value: 10 }, { kind: 0, value: -1 },
    ])
    expect(decodeTcpOptions('080AFFFFFFFF00000000')!.list).toEqual([{ kind: 8, value: 0xffffffff }])
    expect(decodeTcpOptions('1E0C0081AABBCCDDEEFF0011')!.list).toEqual([{ kind: 30, value: -1 }])
  })

  test.each([
    ['02040000020405B4', 0, 'M0,M1460'],
    ['020405B402040578', 1460, 'M1460,M1400'],
    ['0101020405B4020400FF', 1460, 'N,N,M1460,M255'],
  ])('the first MSS option is the MSS (%s)', (hex, mss, expected) => {
    const d = decodeTcpOptions(hex)!
    expect([d.mss, d.canon]).toEqual([mss, expected])
  })
})

// decodeTcpOptionsAt reads the blob straight from a line's bytes and remembers results by the bytes
// with each TSval folded to zero or not. Whatever it remembers, it must say what decodeTcpOptions says
// of the same text (a TSval may be an earlier blob's; only whether it is zero is promised).

const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'latin1')

const atText = (text: string, pad = 0): DecodedOptions | null => {
  // The blob sits inside a longer line, as it does in a kernel log line.
  const b = bytesOf('X'.repeat(pad) + text + 'OPT')
  return decodeTcpOptionsAt(b, pad, pad + text.length)
}

/** A result with TSvals reduced to zero/non-zero, for comparing the two decoders. */
function normal(d: DecodedOptions | null): unknown {
  if (d === null) return null
  return { ...d, list: d.list.map((o) => (o.kind === 8 ? { kind: 8, value: o.value === 0 ? 0 : 1 } : o)) }
}

describe('decoding from the line bytes agrees with decoding the text', () => {
  test.each([
    ['', '.'],
    ['020405B40402080A71FF303F000000000103030A', 'M1460,S,T,N,W10'],
    ['020405b4 0402 080a 71ff303f 00000000 0103030a', 'M1460,S,T,N,W10'],
    ['080A0000000000000000', 'T0'],
    ['080A0000000100000000', 'T'],
    ['00FFFFFF', 'E'],
    ['FE0401020402', '?254,S'],
  ])('%s -> %s', (hex, expected) => {
    expect(atText(hex, 7)?.canon).toBe(expected)
    expect(normal(atText(hex))).toEqual(normal(decodeTcpOptions(hex)))
  })

  test.each([
    ['an odd digit after a valid list', '020405B40', '020405B4'],
    ['an odd zero digit after a valid list', '0204 05B4 0', '020405B4'],
    ['a non-hex letter before a valid list', 'G020405B4', '020405B4'],
    ['a non-hex letter inside a valid list', '0204Z05B4', '020405B4'],
    ['a non-ASCII letter before a valid list', '\u00e9020405B4', '020405B4'],
    ['41 bytes whose first 40 are valid', '01'.repeat(41), '01'.repeat(40)],
    ['a length-0 option', '0200', '0402'],
    ['a length-1 option', '1E01', '1E02'],
  ])('%s is refused, and does not change the verdict of its valid neighbour, in either order', (_what, bad, good) => {
    const want = decodeTcpOptions(good)
    expect(decodeTcpOptions(bad)).toBeNull()
    for (const order of [[bad, good], [good, bad], [bad, good]]) {
      for (const hex of order) expect(normal(atText(hex, 3)), hex).toEqual(normal(hex === bad ? null : want))
    }
  })

  test('no 41-byte blob changes the verdict of its valid 40-byte prefix (1024 MSS values)', () => {
    for (let mss = 0; mss < 1024; mss++) {
      const prefix = '0204' + mss.toString(16).padStart(4, '0') + '01'.repeat(36)
      expect(atText(prefix + '01')).toBeNull()
      expect(atText(prefix)?.mss).toBe(mss)
    }
  })

  test.each([
    ['the timestamp first', '080A0000000100000000', '080A0000000000000000'],
    ['the timestamp after an MSS', '020405B4080A0000000100000000', '020405B4080A0000000000000000'],
    ['a timestamp with a high TSval byte set', '0101080A8000000000000000', '0101080A0000000000000000'],
  ])('a non-zero and a zero TSval stay T and T0 (%s), in either order', (_what, nonzero, zero) => {
    for (const order of [[nonzero, zero], [zero, nonzero], [nonzero, zero]]) {
      for (const hex of order) expect(atText(hex)!.canon, hex).toBe(decodeTcpOptions(hex)!.canon)
    }
    expect(atText(nonzero)!.canon).toMatch(/T$/)
    expect(atText(zero)!.canon).toMatch(/T0$/)
  })

  test.each([
    ['MSS values', '020405B4080A0000000100000000', '02040578080A0000000100000000'],
    ['window shifts before a timestamp', '03030A080A00000001000000000101', '030307080A00000001000000000101'],
    ['bytes after a timestamp', '080A00000001000000000303 0A', '080A0000000100000000030307'],
    ['TSecr only (ignored)', '080A00000001AABBCCDD', '080A0000000100000000'],
  ])('blobs differing in %s get their own results', (_what, a, b) => {
    for (const order of [[a, b], [b, a], [a, b]]) {
      for (const hex of order) expect(normal(atText(hex)), hex).toEqual(normal(decodeTcpOptions(hex)))
    }
  })

  // Options as p0f names them, with values drawn from small pools so that blobs repeat, share
  // prefixes and differ in one value; some are then broken the ways a hostile log can break them.
  const option = fc.oneof(
    fc.constant('01'),
    fc.constant('00'),
    fc.constant('0402'),
    fc.constantFrom('020405B4', '020405A0', '02040578', '02040000'),
    fc.constantFrom('030307', '03030A', '030300', '030308'),
    fc.constantFrom('080A71FF303F00000000', '080A0000000000000000', '080A00000001AABBCCDD', '080A8000000000000001'),
    fc.constantFrom('1E0C0081AABBCCDDEEFF0011', 'FE0401020', 'FE02'),
  )
  const breakIt = fc.constantFrom('', '', '', '0', 'F', 'G', ' ', '02', '0200', '080A00', '01'.repeat(40))
  const blob = fc.tuple(fc.array(option, { maxLength: 8 }), breakIt, fc.boolean(), fc.nat()).map(([opts, tail, lower, cut]) => {
    const text = opts.join('') + tail
    const cutAt = cut % 3 === 0 ? (cut >> 2) % (text.length + 1) : text.length
    const t = text.slice(0, cutAt)
    return lower ? t.toLowerCase() : t
  })

  test('for any sequence of blobs, valid, truncated or garbled', () => {
    fc.assert(
      fc.property(fc.array(blob, { minLength: 1, maxLength: 200 }), fc.nat(20), (blobs, pad) => {
        for (const hex of blobs) expect(normal(atText(hex, pad)), hex).toEqual(normal(decodeTcpOptions(hex)))
      }),
      { numRuns: 200 },
    )
  })
})
