import { beforeAll, describe, expect, test } from 'vitest'
import { decodeOs, encodeOs, OS_NUMBERS } from '../../src/detect/codec/os.js'
import { decodeRun, encodeRun, portEntries, type PORT_TABLES } from '../../src/detect/codec/run.js'
import { decodeHits } from '../../src/detect/codec/signature-hits.js'
import { decodeSource, encodeSource, SOURCE_NUMBERS } from '../../src/detect/codec/source.js'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import { DestinationCount } from '../../src/detect/destination-count.js'
import type { Detector } from '../../src/detect/detector.js'
import { INLINE_PAIRS } from '../../src/detect/engine.js'
import { newOsState } from '../../src/detect/os/index.js'
import { destinationCount, newSource, pastList, rareOf, tableKey, takePast, type AddressKey, type SourceState } from '../../src/detect/state.js'
import { detectorOf, type DetectorParts } from '../helpers/detector.js'
import { feed, packetStream, streamParts } from '../helpers/packet-stream.js'
import { restoreSnapshot, snapshot } from '../helpers/snapshot.js'

// Encoding then decoding must give back the same engine state, and the restored engine must go on to
// the same verdicts. These tests pin the parts of that round trip a random stream does not reach
// reliably: edges of the record layout, the run's "no time yet", and state saved under one
// configuration and read under another.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any

let parts: DetectorParts
beforeAll(async () => {
  parts = await streamParts()
})

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x))
const T0 = Date.UTC(2026, 10, 22, 6)

/** A kernel LOG line of one packet, `ms` after T0. */
function line(ms: number, src: string, dst: string, proto: 'TCP' | 'UDP' | 'UDPLITE', dport: number): string {
  const ts = new Date(T0 + ms).toISOString().replace('Z', '000+00:00')
  const body = proto === 'TCP' ? `PROTO=TCP SPT=4000 DPT=${dport} WINDOW=5840 RES=0x00 SYN URGP=0 ` : `PROTO=${proto} SPT=53 DPT=${dport} LEN=20 `
  return `${ts} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=${dst} LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=7 ${body}`
}

function sourceOf(a: Detector, text: string): SourceState {
  let found: SourceState | undefined
  a.engine.sources.forEach((s) => {
    if (s.key === (typeof s.key === 'number' ? parseDotted(text) | 0 : text)) found = s
  })
  expect(found).toBeDefined()
  return found!
}
const parseDotted = (t: string): number => t.split('.').reduce((n, x) => n * 256 + Number(x), 0)

describe('the run record', () => {
  test('a run that has seen no timestamp yet saves its times as null and gets "none" back', () => {
    const fresh = detectorOf(parts).engine
    const r = encodeRun(fresh)
    expect([r.base, r.firstSeen, r.lastSeen]).toEqual([null, null, null])
    const e = detectorOf(parts).engine
    e.base = 5
    e.totals.firstSeen = 5
    e.totals.lastSeen = 5
    decodeRun(clone(r), e)
    expect([e.base, e.totals.firstSeen, e.totals.lastSeen].every(Number.isNaN)).toBe(true)
  })

  test('every clock and totals field comes back as it was saved', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 2, lines: 600 }))
    const saved = clone(encodeRun(a.engine))
    const e = detectorOf(parts).engine
    decodeRun(saved, e)
    expect(clone(encodeRun(e))).toEqual(saved)
    expect([e.now, e.base, e.ordinal, e.totals.packets]).toEqual([a.engine.now, a.engine.base, a.engine.ordinal, a.engine.totals.packets])
    expect([...e.totals.protocols]).toEqual([...a.engine.totals.protocols])
  })

  test('the saved protocol list names only protocols that were seen, and a restore clears the others', () => {
    const e = detectorOf(parts).engine
    e.totals.protocols[6] = 4
    e.totals.protocols[58] = 1
    const r = encodeRun(e)
    expect(r.protocols).toEqual([[6, 4], [58, 1]])
    const back = detectorOf(parts).engine
    back.totals.protocols[17] = 9
    decodeRun(clone(r), back)
    expect([...back.totals.protocols.entries()].filter(([, n]) => n > 0)).toEqual([[6, 4], [58, 1]])
  })
})

describe('port counters are saved as entries', () => {
  type Ports = Detector['engine']['totals']['ports']
  const entries = (ports: Ports, since?: Ports): number[][] => {
    const out: number[][] = []
    portEntries(ports, (proto, port, n) => out.push([proto, port, n]), since)
    return out
  }
  const copy = (p: Ports): Ports => ({ tcp: p.tcp.slice(), udp: p.udp.slice(), udplite: p.udplite.slice() })
  const protos: (typeof PORT_TABLES)[number][0][] = [6, 17, 136]

  test('without a previous save, every non-zero counter and nothing else, by protocol number', () => {
    const p = detectorOf(parts).engine.totals.ports
    p.tcp[0] = 1
    p.tcp[443] = 3
    p.udp[65535] = 2
    p.udplite[9] = 5
    expect(entries(p)).toEqual([[6, 0, 1], [6, 443, 3], [17, 65535, 2], [136, 9, 5]])
    expect(protos).toEqual([6, 17, 136])
  })

  test('since a previous save, exactly the counters that changed, a counter gone back to zero included', () => {
    const p = detectorOf(parts).engine.totals.ports
    p.tcp[22] = 1
    p.tcp[80] = 3
    p.udp[53] = 2
    const before = copy(p)
    p.tcp[80] = 4
    p.udp[53] = 0
    p.udplite[7] = 1
    expect(entries(p, before)).toEqual([[6, 80, 4], [17, 53, 0], [136, 7, 1]])
    expect(entries(p, copy(p))).toEqual([])
  })
})

describe('a restored source continues where it was', () => {
  test('an IPv4 source above 2^31 is found again by its next packet, not counted twice', () => {
    const a = detectorOf(parts)
    feed(a, [line(0, '203.0.113.5', '192.168.7.1', 'TCP', 22), line(10, '10.1.2.3', '192.168.7.1', 'TCP', 22)])
    const b = detectorOf(parts)
    restoreSnapshot(b, clone(snapshot(a)))
    feed(b, [line(20, '203.0.113.5', '192.168.7.2', 'TCP', 23)])
    expect(b.engine.sources.size).toBe(2)
    const s = sourceOf(b, '203.0.113.5')
    expect([s.packets, s.pairs.length]).toEqual([2, 2])
  })

  test('the key a table files a source under: IPv4 unsigned, IPv6 its text', () => {
    expect(tableKey(-1)).toBe(0xffffffff)
    expect(tableKey(0xcb007105 | 0)).toBe(0xcb007105)
    expect(tableKey(5)).toBe(5)
    expect(tableKey('2001:db8::5')).toBe('2001:db8::5')
  })

  test.each([
    [INLINE_PAIRS, false],
    [INLINE_PAIRS + 1, true],
  ])('a source with %i destinations comes back with a destination index: %s, as the engine keeps it', (n, indexed) => {
    const a = detectorOf(parts)
    feed(a, Array.from({ length: n }, (_, i) => line(i, '198.51.100.77', `192.168.7.${i + 1}`, 'TCP', 80)))
    const src = sourceOf(a, '198.51.100.77')
    expect(src.rare?.pairIndex != null).toBe(indexed)
    const back = decodeSource(src.key, clone(encodeSource(src, a.engine)), a.engine)
    expect(back.pairs.map((p) => p.dst)).toEqual(src.pairs.map((p) => p.dst))
    const index = back.rare?.pairIndex ?? null
    expect(index !== null).toBe(indexed)
    if (index !== null) for (const p of back.pairs) expect(index.get(p.dst)).toBe(p)
  })

  test('a source saved before its first destination has none after the restore', () => {
    const src = newSource(7, 0)
    const back = decodeSource(7, clone(encodeSource(src, detectorOf(parts).engine)), detectorOf(parts).engine)
    expect(back.pairs).toEqual([])
    expect([back.prefix, back.host, back.rare, back.os]).toEqual(['', '', null, null])
  })
})

describe('a fresh destination records its first port, port 0 included', () => {
  test.each(['TCP', 'UDP', 'UDPLITE'] as const)('%s to port 0 gives the port range 0-0', (proto) => {
    const a = detectorOf(parts)
    feed(a, [line(0, '198.51.100.9', '192.168.7.1', proto, 0)])
    const p = sourceOf(a, '198.51.100.9').pairs[0]!
    const [lo, hi] = proto === 'TCP' ? [p.tcpLo, p.tcpHi] : proto === 'UDP' ? [p.udpLo, p.udpHi] : [p.uliteLo, p.uliteHi]
    expect([lo, hi, p.wLo, p.wHi]).toEqual([0, 0, 0, 0])
  })
})

describe('past destinations and the destination count', () => {
  function withPast(keys: AddressKey[]): SourceState {
    const s = newSource(1, 0)
    rareOf(s).pastDestinations = pastList(keys)
    return s
  }

  test.each([
    ['a short list', [1, 2, 3]],
    ['a long set', Array.from({ length: 12 }, (_, i) => i + 1)],
  ])('in %s: taking one that is there removes it and says so; one that is not leaves all', (_, keys) => {
    const s = withPast([...keys])
    const r = s.rare!
    expect(takePast(r, 2)).toBe(true)
    expect(destinationCount(s).count).toBe(keys.length - 1)
    expect(takePast(r, 2)).toBe(false)
    expect(takePast(r, 'fd77::1')).toBe(false)
    expect(destinationCount(s).count).toBe(keys.length - 1)
    expect(r.pastDestinations).not.toBeNull()
  })

  test('taking the last past destination leaves none', () => {
    const s = withPast(['fd77::1'])
    expect(takePast(s.rare!, 'fd77::1')).toBe(true)
    expect(s.rare!.pastDestinations).toBeNull()
  })

  test('a source without past destinations has none to take', () => {
    const s = newSource(1, 0)
    expect(takePast(rareOf(s), 5)).toBe(false)
  })

  test('past destinations come back from a saved source as the same keys', () => {
    const a = detectorOf(parts)
    for (const keys of [[5, 'fd77::2'], Array.from({ length: 12 }, (_, i) => i * 3)]) {
      const s = withPast([...keys])
      const back = decodeSource(1, clone(encodeSource(s, a.engine)), a.engine)
      expect([...back.rare!.pastDestinations!]).toEqual(keys)
      expect(takePast(back.rare!, keys[1]!)).toBe(true)
    }
  })

  test('the destination count adds destinations tracked, past and untracked', () => {
    const a = detectorOf(parts)
    feed(a, [line(0, '198.51.100.8', '192.168.7.1', 'TCP', 80), line(1, '198.51.100.8', '192.168.7.2', 'TCP', 80)])
    const s = sourceOf(a, '198.51.100.8')
    expect(destinationCount(s)).toEqual({ count: 2, estimated: false })
    rareOf(s).pastDestinations = pastList([7, 8, 9])
    expect(destinationCount(s).count).toBe(5)
    const untracked = new DestinationCount()
    for (const k of [100, 101, 102, 103]) untracked.add(k)
    rareOf(s).untrackedDestinations = untracked
    expect(destinationCount(s)).toEqual({ count: 9, estimated: false })
    const back = decodeSource(s.key, clone(encodeSource(s, a.engine)), a.engine)
    expect(destinationCount(back)).toEqual({ count: 9, estimated: false })
  })
})

describe('OS fingerprint state', () => {
  let a: Detector
  let place: string
  beforeAll(() => {
    a = detectorOf(parts)
    feed(a, packetStream({ seed: 1, lines: 2500 }))
    a.engine.sources.forEach((s) => {
      if (place === undefined && s.os !== null && s.os.id0 >= 0) place = (encodeOs(s.os, a.engine.os)[OS_NUMBERS.length + 3] as Json)[0][0]
    })
    expect(place).toMatch(/:\d+$/)
  })
  const record = (verdicts: unknown[], more: { lens?: number[] | null; windows?: number[] | null } = {}): unknown[] => {
    const st = newOsState()
    return [...OS_NUMBERS.map((f) => st[f]), false, more.lens ?? null, more.windows ?? null, verdicts]
  }

  test('extra lengths and windows come back, and "none" stays none', () => {
    const back = decodeOs(record([], { lens: [60, 64], windows: [5840] }), a.engine.os, 'w')!
    expect([back.moreLens, back.moreWindows, back.idSmallIncr]).toEqual([[60, 64], [5840], false])
    const none = decodeOs(record([]), a.engine.os, 'w')!
    expect([none.moreLens, none.moreWindows]).toEqual([null, null])
  })

  test('two saved verdicts that are one verdict in this database add their counts', () => {
    const back = decodeOs(record([[place, [], 2], [place, [], 3]]), a.engine.os, 'w')!
    expect(back.id0).toBeGreaterThanOrEqual(0)
    expect([back.count0, back.moreVerdicts, back.unknown]).toEqual([5, null, 0])
  })

  test('a verdict keeps the labels that tied with it', () => {
    const back = decodeOs(record([[place, ['Linux 2.6', 'Linux 3.x'], 4]]), a.engine.os, 'w')!
    expect(a.engine.os!.p0f.results[back.id0]!.alsoMatched).toEqual(['Linux 2.6', 'Linux 3.x'])
    expect(back.count0).toBe(4)
    const other = decodeOs(record([[place, [], 1], [place, ['Linux 2.6'], 2]]), a.engine.os, 'w')!
    expect(other.moreVerdicts).toEqual([expect.any(Number), 2])
    expect(other.moreVerdicts![0]).not.toBe(other.id0)
  })

  test('without an OS database a saved OS state is read and dropped', () => {
    expect(decodeOs(record([[place, [], 2]]), null, 'w')).toBeNull()
  })

  test('without an OS database an OS state is saved without verdicts', () => {
    const st = newOsState()
    st.id0 = 0
    st.count0 = 3
    st.syns = 3
    const out = encodeOs(st, null)
    expect(out[OS_NUMBERS.length + 3]).toEqual([])
    expect(out[0]).toBe(3)
  })
})

describe('signature hits read under another configuration', () => {
  const FW = 'fwsnort:9000001'
  const hit = (key: string, dl = 5): unknown[] => [key, 4, key.startsWith('fwsnort:') ? 9000001 : 100, null, 'saved message', 'tcp', dl]
  const seen = (h: { sig: { key: string; dl: number; msg: string; file: string }; count: number }): unknown[] => [h.sig.key, h.sig.dl, h.sig.msg, h.sig.file === '(saved state)', h.count]

  test('an fwsnort hit takes the rule and its DL from this run', () => {
    const [h] = decodeHits([hit(FW)], detectorOf(parts).engine, 'w')
    expect(seen(h!)).toEqual([FW, 3, 'TEST fwsnort rule', false, 4])
  })

  test.each([
    ['no snort_rule_dl file', null],
    ['a snort_rule_dl file that does not name the rule', parseSnortRuleDl('9000002 4;\n', 'snort_rule_dl')],
  ])('with %s, an fwsnort hit takes the default DL 2', (_, table) => {
    const e = detectorOf({ ...parts, lists: { ...parts.lists!, snortRuleDl: table } }).engine
    const [h] = decodeHits([hit(FW)], e, 'w')
    expect(seen(h!)).toEqual([FW, 2, 'TEST fwsnort rule', false, 4])
  })

  test('a rule now at DL 0 keeps the hit as it was saved', () => {
    const e = detectorOf({ ...parts, lists: { ...parts.lists!, snortRuleDl: parseSnortRuleDl('9000001 0;\n', 'snort_rule_dl') } }).engine
    const [h] = decodeHits([hit(FW, 5)], e, 'w')
    expect(seen(h!)).toEqual([FW, 5, 'saved message', true, 4])
  })

  test('with no signatures configured, a signature hit keeps a stand-in', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 2, lines: 2500 }))
    let key: string | undefined
    a.engine.sources.forEach((s) => {
      key ??= s.rare?.signatures?.find((h) => !h.sig.key.startsWith('fwsnort:'))?.sig.key
    })
    expect(key).toBeDefined()
    const [known] = decodeHits([hit(key!)], a.engine, 'w')
    expect(known!.sig.file).not.toBe('(saved state)')
    const [h] = decodeHits([hit(key!)], detectorOf({ ...parts, signatures: null }).engine, 'w')
    expect(seen(h!)).toEqual([key, 5, 'saved message', true, 4])
    expect([h!.sig.sid, h!.sig.psadId, h!.sig.proto]).toEqual([100, null, 'tcp'])
  })
})

describe('a whole source survives the trip with every part set', () => {
  test('numbers, pairs, OS state and rare state come back field for field', () => {
    const a = detectorOf(parts)
    feed(a, packetStream({ seed: 3, lines: 2500 }))
    let n = 0
    a.engine.sources.forEach((s) => {
      const rec = clone(encodeSource(s, a.engine))
      const back = decodeSource(s.key, rec, a.engine)
      expect(clone(encodeSource(back, a.engine))).toEqual(rec)
      for (const f of SOURCE_NUMBERS) expect(back[f]).toBe(s[f])
      n++
    })
    expect(n).toBeGreaterThan(5)
  })
})
