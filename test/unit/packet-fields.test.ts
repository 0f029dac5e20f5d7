import { describe, expect, test } from 'vitest'
import { LineParser } from '../../src/parse/line.js'
import { emptyPacket, flagsText, type Packet } from '../../src/parse/packet.js'
import { packetFields as fields } from '../helpers/lines.js'

// What a packet holds for the fields its line does not carry: -1 for numbers, '' for texts, false
// for markers, null for the TCP options (the Packet interface's contract, which the JSON and CSV
// writers turn into empty cells). The same whether the parser makes a new packet or refills one.

const ctx = { year: 2026, reference: Date.UTC(2026, 10, 22) }

// A body with nothing but the interfaces, the addresses and a protocol number, and no syslog head.
const BARE = 'IN=eth0 OUT= SRC=0.0.0.0 DST=192.0.2.1 PROTO=47'

const ABSENT = {
  time: Number.NaN, host: '', prefix: '', chain: 'INPUT', inIf: 'eth0', outIf: '', physIn: '', physOut: '',
  mac: '', macSrc: '', macDst: '', ipv6: false, src: '0.0.0.0', dst: '192.0.2.1', srcZone: '', dstZone: '',
  srcNum: 0, dstNum: 0xc0000201, len: -1, tos: -1, ttl: -1, flowLabel: -1, ipId: -1, df: false,
  fragment: false, ipOpts: '', extHeaders: 0, emptyExtHeaders: 0, proto: 47,
  sport: -1, dport: -1, window: -1, flags: -1, seq: -1, ack: -1, tcpOpts: null,
  tcpOptsBytes: -1, udpLen: -1, icmpType: -1, icmpCode: -1, icmpId: -1,
  icmpSeq: -1, fwsnortSid: -1, fwsnortRule: -1, estab: false,
}

// Every field the kernel can log, and fwsnort's markers in the prefix.
const FULL =
  'Nov 22 10:00:00 fw kernel: [ 12.5] SID2001219 ESTAB [7] IN=br0 OUT=eth1 PHYSIN=veth1 PHYSOUT=veth2 ' +
  'MACSRC=00:11:22:33:44:55 MACDST=66:77:88:99:aa:bb MACPROTO=0800 SRC=203.0.113.5 DST=198.51.100.7 LEN=60 TOS=0x10 ' +
  'PREC=0x00 TTL=50 ID=4321 DF OPT (07040000) PROTO=TCP SPT=40000 DPT=22 SEQ=1 ACK=2 WINDOW=1024 RES=0x00 ACK URGP=0 ' +
  'OPT (020405B4) '

describe('fields a line does not carry', () => {
  test('a new packet has each at its absent value', () => {
    const p = new LineParser({ sidString: 'SID' }).parse(BARE, ctx)
    expect(typeof p).toBe('object')
    expect(fields(p as Packet)).toEqual(ABSENT)
  })

  test('a packet refilled after a line that carried every field is the same as a new one', () => {
    const parser = new LineParser({ sidString: 'SID' })
    const into = emptyPacket()
    const full = Buffer.from(FULL)
    expect(parser.parseBytes(full, 0, full.length, ctx, into)).toBe(into)
    const seen = fields(into)
    // The full line did set what the bare one lacks, so the refill below has something to undo.
    for (const k of ['host', 'prefix', 'physIn', 'macSrc', 'len', 'tos', 'ttl', 'ipId', 'sport', 'window', 'seq', 'ack', 'fwsnortSid', 'fwsnortRule']) {
      expect(seen[k], k).not.toEqual(ABSENT[k as keyof typeof ABSENT])
    }
    expect(seen).toMatchObject({ df: true, estab: true, chain: 'FORWARD', ipOpts: '07040000', tcpOpts: '020405B4', tcpOptsBytes: 4 })
    const bare = Buffer.from(BARE)
    expect(parser.parseBytes(bare, 0, bare.length, ctx, into)).toBe(into)
    expect(fields(into)).toEqual(ABSENT)
  })

  test('an IPv6 line leaves the IPv4 number fields absent and the flow label set', () => {
    const p = new LineParser({ sidString: 'SID' }).parse('IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=47', ctx) as Packet
    expect(fields(p)).toMatchObject({ ipv6: true, srcNum: -1, dstNum: -1, flowLabel: 0, tos: 0, ttl: 64, ipId: -1, src: '2001:db8::1' })
  })
})

describe('TCP flag texts', () => {
  test('spell the flags in the kernel\'s order, NULL for none and ? when unknown, the same on every call', () => {
    for (let round = 0; round < 2; round++) {
      expect(flagsText(0x02 | 0x10)).toBe('ACK SYN')
      expect(flagsText(0xff)).toBe('CWR ECE URG ACK PSH RST SYN FIN')
      expect(flagsText(0)).toBe('NULL')
      expect(flagsText(-1)).toBe('?')
    }
  })
})
