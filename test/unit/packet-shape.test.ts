import { describe, expect, test } from 'vitest'
import { Key } from '../../src/parse/body-keys.js'
import { afterBracket, groupEnd, valueEnd } from '../../src/parse/body-tokens.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'

// The shape of a netfilter body: where a value, an `OPT ( … )` group and a `[ … ]` end, and what a
// whole line gives when a MAC value of another length than Ethernet's comes first.

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1')
const ctx = { year: 2026, reference: Date.UTC(2026, 11, 6) }
const ETHER_MAC = '00:16:3e:aa:bb:cc:00:16:3e:11:22:33:08:00'

describe('where a MAC= value ends', () => {
  test.each([
    ['an Ethernet MAC followed by more', `${ETHER_MAC} SRC=1.2.3.4`, ETHER_MAC.length],
    ['an Ethernet MAC at the end of the line', ETHER_MAC, ETHER_MAC.length],
    ['an empty MAC (tun, WireGuard)', ' SRC=192.168.100.200 DST=10.0.0.1 LEN=100 TOS=0x00', 0],
    ['a short MAC', '45:00:00:3c SRC=192.168.10.200 DST=10.0.0.1 LEN=10 TOS=0x00', 11],
    ['a MAC longer than Ethernet\'s', `${ETHER_MAC}:01 SRC=1.2.3.4`, ETHER_MAC.length + 3],
    ['a MAC that runs to the end of the line', '45:00', 5],
  ])('%s', (_what, value, length) => {
    const b = bytes(`MAC=${value}`)
    expect(valueEnd(b, 4, b.length, Key.MAC)).toBe(4 + length)
  })

  test('a MAC value ends at the end of its range, whatever follows in the buffer', () => {
    const b = bytes(`MAC=${ETHER_MAC}:99 SRC=1.2.3.4`)
    expect(valueEnd(b, 4, 4 + ETHER_MAC.length, Key.MAC)).toBe(4 + ETHER_MAC.length)
    expect(valueEnd(b, 4, 4 + 20, Key.MAC)).toBe(4 + 20)
  })

  // The kernel prints `MAC= ` for links without a header (tun, WireGuard); a space 41 bytes on is
  // then only where the next tokens happen to put one.
  test.each([
    ['IN=tun0 OUT= MAC= SRC=192.168.100.200 DST=10.0.0.1 LEN=100', '192.168.100.200'],
    ['IN=wg0 OUT= MAC= SRC=10.0.0.1 DST=192.168.100.200 LEN=100', '10.0.0.1'],
  ])('a line with an empty MAC keeps the fields after it, even where a space lies 41 bytes on (%#)', (fields, src) => {
    const line = `Dec  6 10:00:00 fw kernel: DROP ${fields} TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=22 WINDOW=1 RES=0x00 SYN URGP=0`
    expect(line[line.indexOf('MAC=') + 4 + 41]).toBe(' ')
    const parser = new LineParser({ sidString: 'SID' })
    const r = parser.parse(line, ctx)
    expect(typeof r === 'string' ? `${r}: ${parser.error}` : null).toBeNull()
    const pkt = r as Packet
    expect([pkt.src, pkt.len, pkt.dport, pkt.mac]).toEqual([src, 100, 22, fields.slice(fields.indexOf('MAC=') + 4, fields.indexOf(' SRC='))])
  })
})

describe('the ( … ) of an OPT word', () => {
  test.each([
    ['OPT (0204)', 9],
    ['OPT   (0204)', 11],
    ['OPT ()', 5],
    ['OPT (0204', -1],
    ['OPT 0204)', -1],
    ['OPT ', -1],
    ['OPT', -1],
  ])('%j closes at %i', (text, want) => {
    const b = bytes(text)
    expect(groupEnd(b, 3, b.length)).toBe(want)
  })

  test('a ( or ) past the end of the range is not part of the group', () => {
    const b = bytes('OPT (0204) SRC=1.2.3.4')
    expect(groupEnd(b, 3, 9)).toBe(-1)
    expect(groupEnd(b, 3, 10)).toBe(9)
    expect(groupEnd(b, 3, 4)).toBe(-1)
    expect(groupEnd(b, 3, 3)).toBe(-1)
  })
})

describe('a [ … ] stepped over whole', () => {
  test.each([
    ['[SRC=1.2.3.4] SRC=5.6.7.8', 13],
    ['[SRC=1.2.3.4 [ID=1] ] SRC=5.6.7.8', 21],
    ['[]', 2],
    ['[SRC=1.2.3.4', -1],
    ['[[ID=1] SRC=1.2.3.4', -1],
  ])('%j ends at %i', (text, want) => {
    const b = bytes(text)
    expect(afterBracket(b, 0, b.length)).toBe(want)
  })

  test('a ] past the end of the range does not close it', () => {
    const b = bytes('[SRC=1.2.3.4] x')
    expect(afterBracket(b, 0, 12)).toBe(-1)
    expect(afterBracket(b, 0, 13)).toBe(13)
  })
})
