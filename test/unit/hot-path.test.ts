import { describe, expect, test } from 'vitest'
import { decodeTcpOptions, decodeTcpOptionsAt } from '../../src/detect/os/tcp-options.js'
import { canonicalIPv6, canonicalIPv6Bytes } from '../../src/parse/address.js'
import { latin1, RecentText } from '../../src/parse/bytes.js'
import { findBodyStart } from '../../src/parse/netfilter.js'
import { HeaderParser, type Header } from '../../src/parse/syslog-header.js'
import { isoUtc, type TimeContext } from '../../src/parse/time.js'

// The caches and skips of the per-line hot path must give exactly what the plain computation gives.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1')

function headOf(parser: HeaderParser, line: string, ctx: TimeContext): Header {
  const out: Header = { time: 0, host: '', tag: '', msgStart: 0, error: '', dialect: 0, chain: '' }
  const b = bytes(line)
  parser.parse(b, 0, b.length, ctx, out)
  return out
}

describe('timestamps reuse the start of their minute', () => {
  const ctx: TimeContext = { year: undefined, reference: Date.UTC(2026, 10, 22, 12) }
  const stamps = [
    '2026-11-22T06:51:13.190824+00:00',
    '2026-11-22T06:51:13.190825+00:00',
    '2026-11-22T06:51:59.999999+00:00',
    '2026-11-22T06:52:00.000001+00:00',
    '2026-11-22T06:52:07.5+00:00',
    '2026-11-22T06:52:07.25+00:00',
    '2026-11-22T06:52:07+00:00',
    '2026-11-22T06:52:07Z',
    '2026-11-22T06:52:08+01:00',
    '2026-11-22T06:52:60+00:00',
    '2026-11-22T06:52:6x+00:00',
    '2026-11-22T06:52:08.x+00:00',
    '2026-11-22T06:52:08.+00:00',
    'Nov 22 06:00:00',
    'Nov 22 06:00:01',
    'Nov 22 06:00:01.123456',
    'Nov 22 06:00:01.123457',
    'Nov 22 06:00:02.9',
    'Nov 23 06:00:02.9',
    'Sun 2026-11-22 07:15:55 UTC',
    'Sun 2026-11-22 07:15:56 UTC',
    'Sun 2026-11-22 07:15:56 GMT',
  ]

  test('every line gets the time a parser without memory gives it', () => {
    const cached = new HeaderParser()
    for (const stamp of stamps) {
      const line = `${stamp} fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1`
      const fresh = headOf(new HeaderParser(), line, ctx)
      expect(headOf(cached, line, ctx), stamp).toEqual(fresh)
    }
  })

  test('an RFC 3164 minute that straddles the year-inference limit is not reused', () => {
    // Lines up to two days after the reference stay in its year; the limit falls mid-minute here.
    const reference = Date.UTC(2026, 11, 29, 23, 59, 30)
    const at = { year: undefined, reference }
    const cached = new HeaderParser()
    const years = ['Dec 31 23:59:10', 'Dec 31 23:59:29', 'Dec 31 23:59:31', 'Dec 31 23:59:50'].map((stamp) => {
      const line = `${stamp} fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1`
      const head = headOf(cached, line, at)
      expect(head, stamp).toEqual(headOf(new HeaderParser(), line, at))
      return new Date(head.time).getUTCFullYear()
    })
    expect(years).toEqual([2026, 2026, 2025, 2025])
  })
})

describe('recent texts', () => {
  test('many interleaved values each come back as their own text', () => {
    const table = new RecentText(4, latin1)
    const hosts = Array.from({ length: 40 }, (_, i) => `host-${i}`)
    for (let round = 0; round < 3; round++) {
      for (const h of hosts) {
        const b = bytes(`xx ${h} yy`)
        expect(table.get(b, 3, 3 + h.length)).toBe(h)
      }
    }
    expect(table.get(bytes('abc'), 1, 1)).toBe('')
  })

  test('a cached text is not returned for bytes of another value of the same length', () => {
    const table = new RecentText(1, latin1)
    expect(table.get(bytes('eth0'), 0, 4)).toBe('eth0')
    expect(table.get(bytes('eth1'), 0, 4)).toBe('eth1')
    expect(table.get(bytes('eth0'), 0, 4)).toBe('eth0')
  })
})

describe('finding the netfilter body', () => {
  // The plain search: every position, in order.
  function naive(b: Uint8Array, from: number, end: number): number {
    for (let i = from; i + 3 <= end; i++) {
      if (b[i] !== 73 || b[i + 1] !== 78 || b[i + 2] !== 61) continue
      let sp = i + 3
      while (sp < end && b[sp] !== 32) sp++
      if (String.fromCharCode(...b.subarray(sp + 1, sp + 5)) === 'OUT=') return i
    }
    return -1
  }

  test('gives the first IN= … OUT= at any alignment, as a byte-by-byte search does', () => {
    const alphabet = ['I', 'N', '=', ' ', 'O', 'U', 'T', 'x', 'IN=', ' OUT=', 'IN=eth0 OUT=']
    let seed = 7
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    for (let k = 0; k < 5000; k++) {
      let line = ''
      const parts = 1 + next(14)
      for (let p = 0; p < parts; p++) line += alphabet[next(alphabet.length)]
      const b = bytes(line)
      const from = next(3)
      expect(findBodyStart(b, from, b.length), JSON.stringify(line)).toBe(naive(b, from, b.length))
    }
  })

  test('finds the body after any run of lookalike bytes', () => {
    for (const filler of ['x', 'I', 'N', '=', 'IN', 'NI', 'I=', 'N=']) {
      for (let k = 0; k < 9; k++) {
        const head = filler.repeat(k)
        const b = bytes(`${head}IN=eth0 OUT= SRC=1`)
        expect(findBodyStart(b, 0, b.length), head).toBe(naive(b, 0, b.length))
      }
    }
  })

  test('a line ending right after IN= has no body', () => {
    const b = bytes('Nov 22 fw kernel: IN=')
    expect(findBodyStart(b, 0, b.length)).toBe(-1)
    const c = bytes('NIN=eth0 OUT=')
    expect(findBodyStart(c, 0, c.length)).toBe(1)
  })
})

describe('TCP options read from the line', () => {
  const blobs = [
    '020405B40402080A71FF303F000000000103030A',
    '020405B40402080A00000001000000000103030A',
    '020405B40402080A00000000000000000103030A',
    '020405B40402080A00000000AABBCCDD0103030A',
    '020405b4',
    '02 04 05 B4',
    '',
    '0101080A3A4B5C6D0000000004020000',
    '020405B4010303060101080A3A4B5C6D0000000004020000',
    '020405B41E0C0081AABBCCDDEEFF0011',
    '020405B',
    '0204G5B4',
    '0806AABBCCDD',
    '01'.repeat(41),
    '080A',
  ]

  test('decode as the text does: same options, MSS and layout, same refusals', () => {
    for (const hex of blobs) {
      const b = bytes(` ${hex} `)
      const fromBytes = decodeTcpOptionsAt(b, 1, 1 + hex.length)
      const fromText = decodeTcpOptions(hex)
      if (fromText === null) expect(fromBytes, hex).toBeNull()
      else {
        expect(fromBytes, hex).not.toBeNull()
        expect(fromBytes!.canon, hex).toBe(fromText.canon)
        expect(fromBytes!.layout, hex).toBe(fromText.layout)
        expect(fromBytes!.mss, hex).toBe(fromText.mss)
        expect(fromBytes!.list.map((o) => [o.kind, o.kind === 8 ? o.value === 0 : o.value]), hex).toEqual(
          fromText.list.map((o) => [o.kind, o.kind === 8 ? o.value === 0 : o.value]),
        )
      }
    }
  })

  test('blobs differing only in timestamp values share a result unless TSval zero-ness differs', () => {
    const at = (hex: string) => decodeTcpOptionsAt(bytes(hex), 0, hex.length)
    const a = at('020405B40402080A71FF303F000000000103030A')
    expect(at('020405B40402080A12345678ABCDEF010103030A')).toBe(a)
    const zero = at('020405B40402080A00000000ABCDEF010103030A')
    expect(zero).not.toBe(a)
    expect(zero!.canon).toBe('M1460,S,T0,N,W10')
    expect(a!.canon).toBe('M1460,S,T,N,W10')
  })
})

describe('ISO UTC texts', () => {
  test('are what Date gives, across minutes, years and the ends of the four-digit years', () => {
    const times = [0, 1, 999, 59_999, 60_000, Date.UTC(2026, 10, 22, 7, 15, 55, 865), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), Date.UTC(2024, 1, 29, 12), 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000, 1.5]
    let seed = 11
    for (let k = 0; k < 2000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      times.push(Date.UTC(2026, 0, 1) + seed * 20)
    }
    for (const t of times) expect(isoUtc(t), String(t)).toBe(new Date(t).toISOString())
    expect(isoUtc(Number.NaN)).toBeNull()
  })
})

describe('IPv6 addresses in the kernel\'s full form', () => {
  test('canonicalise as ipaddr.js does, zero runs, ties, mapped IPv4 and upper case included', () => {
    const groups: number[][] = [
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0, 0, 0, 0],
      [0x2001, 0xdb8, 0, 0, 1, 0, 0, 1],
      [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],
      [0x2001, 0, 0x1, 0, 0, 0x1, 0, 0],
      [0x2001, 0xdb8, 0, 0xa, 0xb, 0xc, 0xd, 0xe],
      [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201],
      [0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201],
      [0xfe80, 0, 0, 0, 0x0216, 0x3eff, 0xfe00, 0x0100],
      [0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff],
    ]
    let seed = 5
    for (let k = 0; k < 3000; k++) {
      const g: number[] = []
      for (let w = 0; w < 8; w++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        g.push(seed % 3 === 0 ? 0 : (seed >>> 8) & (seed % 5 === 0 ? 0xf : 0xffff))
      }
      groups.push(g)
    }
    for (const g of groups) {
      for (const upper of [false, true]) {
        let text = g.map((w) => w.toString(16).padStart(4, '0')).join(':')
        if (upper) text = text.toUpperCase()
        const b = Buffer.from(` ${text} `, 'latin1')
        expect(canonicalIPv6Bytes(b, 1, 1 + text.length), text).toBe(canonicalIPv6(text))
      }
    }
  })

  test('other notations and broken full forms go the slow way and agree with it', () => {
    for (const text of ['2001:db8::1', '::1', '2001:0db8:0000:0000:0000:0000:0000:000g', '2001:0db8:0000:0000:0000:0000:0000-0001', '2001:0db8:0000:0000:0000:0000:0000:00001', '192.0.2.1', '']) {
      const b = Buffer.from(text, 'latin1')
      expect(canonicalIPv6Bytes(b, 0, b.length), text).toBe(canonicalIPv6(text))
    }
  })
})
