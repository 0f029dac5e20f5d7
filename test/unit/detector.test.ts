import { describe, expect, test } from 'vitest'
import { defaultSettings, type Settings } from '../../src/config/settings.js'
import type { SnortRuleInfo } from '../../src/config/snort-rules.js'
import { Detector, MAX_SAMPLES, type DetectionPlan, type DetectorHooks } from '../../src/detect/detector.js'
import { MAX_LABELS, NO_LISTS, type DetectionLists } from '../../src/detect/engine.js'
import { parseFields } from '../../src/detect/fields.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import { bareDetectionPlan, tcpLine, udpLine } from '../helpers/lines.js'

// The Detector as its drivers (analyze, watch, a thread's part of a run) use it: lines in, every
// line in one counter, malformed lines sampled with where they were, accepted packets handed to the
// sink, danger events with the text of the line that raised them, and a new plan mid-run.

const TIME = { year: 2026, reference: Date.UTC(2026, 10, 22) }
const NOT_FIREWALL = 'Nov 22 10:00:00 fw sshd[12]: Accepted publickey for root'
const malformedLine = (i: number): string => tcpLine({ dport: 80 + i }).replace('SRC=203.0.113.5', `SRC=203.0.113.${300 + i}`)
const OUTBOUND = 'Nov 22 10:00:00 fw kernel: DROP IN= OUT=eth0 SRC=192.0.2.1 DST=198.51.100.7 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=53 DPT=5353 LEN=20 '
const SQL_PROBE = 'alert tcp any any -> any 1433 (msg:"MISC MS SQL probe"; flags:S,12; psad_id:300001; psad_dl:2;)'

const sqlSignatures = (settings: Settings): SignatureIndex =>
  new SignatureIndex(parseSignatures(SQL_PROBE, 'test.sig', { vars: settings.vars, strict: false }).signatures)

function snortRule(sid: number): SnortRuleInfo {
  return { sid, gid: 1, rev: 1, msg: `TEST rule ${sid}`, classtype: 'misc-activity', priority: 3, contents: [], references: [], metadata: null, action: 'alert', proto: 'tcp', entry: 'local.rules:1' }
}

interface Setup {
  tweak?: (s: Settings) => void
  plan?: Partial<DetectionPlan>
  hooks?: DetectorHooks
}

function make(o: Setup = {}): { d: Detector; settings: Settings; feed: (lines: readonly string[]) => void } {
  const settings = defaultSettings()
  o.tweak?.(settings)
  const d = new Detector(bareDetectionPlan(settings, o.plan), o.hooks)
  const feed = (lines: readonly string[]): void => {
    for (const l of lines) d.line(l, TIME, () => `t:${d.linesRead}`)
  }
  return { d, settings, feed }
}

const skipped = (d: Detector): Record<string, number> => Object.fromEntries(d.skipped)
const onlySearchDrop = (s: Settings): void => void Object.assign(s.filters, { fwSearchAll: false, fwMsgSearch: ['DROP'] })

describe('every line ends in exactly one counter', () => {
  test('packets, lines that are not firewall lines, malformed, too long and outbound lines add up to the lines read', () => {
    const { d, feed } = make()
    feed([tcpLine({ dport: 22 }), NOT_FIREWALL, malformedLine(1), tcpLine({ dport: 23 }), OUTBOUND])
    d.overlong()
    feed([NOT_FIREWALL])
    expect(d.linesRead).toBe(7)
    expect(d.engine.totals.packets).toBe(2)
    expect(skipped(d)).toEqual({ 'not-firewall': 2, malformed: 1, 'too-long': 1, outbound: 1 })
  })

  test('a line too long to parse is counted as read and too long', () => {
    const { d } = make()
    d.overlong()
    d.overlong()
    expect(d.linesRead).toBe(2)
    expect(skipped(d)).toEqual({ 'too-long': 2 })
    expect(d.engine.totals.packets).toBe(0)
  })
})

describe('malformed lines', () => {
  test('each is kept with where it was, why, and its position in the input; where is asked only of malformed lines', () => {
    const { d } = make()
    const asked: number[] = []
    const lines = [tcpLine({ dport: 22 }), NOT_FIREWALL, malformedLine(1), tcpLine({ dport: 80, sport: 70000 })]
    lines.forEach((l, i) => d.line(l, TIME, () => (asked.push(i), `kern.log:${i + 1}`)))
    expect(asked).toEqual([2, 3])
    expect(d.malformed).toEqual([
      { where: 'kern.log:3', error: "bad SRC address '203.0.113.301'", ordinal: 2 },
      { where: 'kern.log:4', error: 'SPT= or DPT= past 65535', ordinal: 3 },
    ])
  })

  test(`only the first ${MAX_SAMPLES} are kept; all of them are counted`, () => {
    const { d, feed } = make()
    feed(Array.from({ length: MAX_SAMPLES + 5 }, (_, i) => malformedLine(i)))
    expect(MAX_SAMPLES).toBe(20)
    expect(skipped(d)).toEqual({ malformed: 25 })
    expect(d.malformed.map((m) => m.where)).toEqual(Array.from({ length: 20 }, (_, i) => `t:${i + 1}`))
  })

  test('a line too long to parse takes its place in the positions of the lines after it', () => {
    const { d, feed } = make()
    d.overlong()
    feed([malformedLine(1)])
    expect(d.malformed.map((m) => [m.where, m.ordinal])).toEqual([['t:2', 1]])
  })
})

describe('lines given as bytes', () => {
  test('only the bytes between start and end are the line, and the position given is its position', () => {
    const seen: [number, number][] = []
    const { d } = make({ hooks: { sink: (p) => seen.push([p.dport, d.engine.ordinal]) } })
    const one = tcpLine({ dport: 22 })
    const two = tcpLine({ dport: 23, src: '198.51.100.9' })
    const b = Buffer.from(`${one}\n${two}\n${malformedLine(1)}\n`)
    const start = one.length + 1
    d.lineBytes(b, start, start + two.length, TIME, () => 'x:2', 41)
    expect(seen).toEqual([[23, 41]])
    expect(d.engine.totals.hosts.data()).toEqual([{ key: 'fw', n: 1, first: 41 }])
    const third = start + two.length + 1
    d.lineBytes(b, third, b.length - 1, TIME, () => 'x:3', 97)
    expect(d.malformed).toEqual([{ where: 'x:3', error: "bad SRC address '203.0.113.301'", ordinal: 97 }])
    expect(d.linesRead).toBe(2)
  })

  test('a danger event raised by a line in the middle of a buffer comes with that line alone', () => {
    const settings = defaultSettings()
    const heard: string[] = []
    const { d } = make({ plan: { signatures: { index: sqlSignatures(settings) } }, hooks: { onEvent: (_e, line) => heard.push(line()) } })
    const one = tcpLine({ dport: 22 })
    const probe = tcpLine({ dport: 1433 })
    const b = Buffer.from(`${one}\n${probe}\n${one}`)
    d.lineBytes(b, 0, one.length, TIME, () => 'x:1')
    d.lineBytes(b, one.length + 1, one.length + 1 + probe.length, TIME, () => 'x:2')
    expect(heard).toEqual([probe])
  })

  test('the log-message search reads the line alone, not the bytes before it', () => {
    const { d } = make({ tweak: onlySearchDrop })
    const drop = tcpLine({ dport: 22 })
    const reject = tcpLine({ dport: 23, prefix: 'REJECT ' })
    const b = Buffer.from(`${drop}\n${reject}\n`)
    d.lineBytes(b, 0, drop.length, TIME, () => 'x:1')
    d.lineBytes(b, drop.length + 1, drop.length + 1 + reject.length, TIME, () => 'x:2')
    expect([d.engine.totals.packets, skipped(d)]).toEqual([1, { 'fw-msg-search': 1 }])
  })

  test('without a position a line is placed by the number of lines read before it', () => {
    const { d, feed } = make()
    feed([NOT_FIREWALL, tcpLine({ dport: 22, prefix: 'DROP A ' }), NOT_FIREWALL, tcpLine({ dport: 22, prefix: 'DROP B ' })])
    expect(d.engine.totals.prefixes.data()).toEqual([{ key: 'DROP A', n: 1, first: 1 }, { key: 'DROP B', n: 1, first: 3 }])
  })
})

describe('who hears what the detector finds', () => {
  test('a danger event comes with the text of the line that raised it, non-ASCII bytes and all', () => {
    const heard: [string, number, number, string][] = []
    const settings = defaultSettings()
    const probe = tcpLine({ dport: 1433, prefix: 'DROP Ünïcødé ' })
    const { feed } = make({
      plan: { signatures: { index: sqlSignatures(settings) } },
      hooks: { onEvent: (e, line) => heard.push([e.ip, e.from, e.to, line()]) },
    })
    feed([tcpLine({ dport: 22 }), probe, tcpLine({ dport: 1433 })])
    expect(heard).toEqual([['203.0.113.5', 0, 2, probe]])
  })

  test('a detector nobody listens to still raises the source', () => {
    const settings = defaultSettings()
    const { d, feed } = make({ plan: { signatures: { index: sqlSignatures(settings) } } })
    feed([tcpLine({ dport: 1433 })])
    expect([...d.engine.sources.values()].map((s) => s.dl)).toEqual([2])
  })

  test('the sink hears every accepted packet in input order, and no line that was counted apart', () => {
    const seen: string[] = []
    const { d, feed } = make({ plan: { criteria: parseFields('DPT:not 25') }, hooks: { sink: (p) => seen.push(`${p.src}>${p.dport}`) } })
    feed([
      tcpLine({ dport: 22 }), NOT_FIREWALL, malformedLine(1), tcpLine({ dport: 25 }), OUTBOUND,
      udpLine({ dport: 53, src: '198.51.100.2' }), tcpLine({ dport: 80, prefix: 'ACCEPT ' }), tcpLine({ dport: 23 }),
    ])
    expect(seen).toEqual(['203.0.113.5>22', '198.51.100.2>53', '203.0.113.5>23'])
    expect(skipped(d)).toEqual({ 'not-firewall': 1, malformed: 1, fields: 1, outbound: 1, allowed: 1 })
  })
})

describe('what the firewall did with a packet', () => {
  test('packets the host sent are counted as outbound, by source and destination, and never scored', () => {
    const { d, feed } = make()
    feed([OUTBOUND, OUTBOUND.replace('ID=1 ', 'ID=2 ')])
    expect(skipped(d)).toEqual({ outbound: 2 })
    const o = d.engine.totals.outbound
    expect([o.packets, o.sources.entries(), o.destinations.entries()]).toEqual([2, [['192.0.2.1', 2]], [['198.51.100.7', 2]]])
    expect(d.engine.sources.size).toBe(0)
  })

  test('a forwarded packet (in and out interfaces) is scored like an inbound one', () => {
    const { d, feed } = make()
    feed([tcpLine({ dport: 22 }).replace('IN=eth0 OUT= ', 'IN=eth0 OUT=eth1 ')])
    expect([d.engine.totals.packets, skipped(d), d.engine.totals.outbound.packets]).toEqual([1, {}, 0])
  })

  test('packets the firewall let through or only audited are counted apart, unless allowed ones are included', () => {
    const lines = [tcpLine({ dport: 22, prefix: 'ACCEPT ' }), tcpLine({ dport: 23, prefix: 'AUDIT ' }), tcpLine({ dport: 24, prefix: 'DROP ' }), tcpLine({ dport: 25, prefix: '' })]
    const byDefault = make()
    byDefault.feed(lines)
    expect([byDefault.d.engine.totals.packets, skipped(byDefault.d)]).toEqual([2, { allowed: 1, audit: 1 }])
    const included = make({ tweak: (s) => void (s.filters.includeAllowed = true) })
    included.feed(lines)
    expect([included.d.engine.totals.packets, skipped(included.d)]).toEqual([4, {}])
  })

  test('one packet logged by two rules is scored once; an outbound one is counted once', () => {
    const { d, feed } = make()
    const drop = tcpLine({ dport: 22, prefix: 'DROP A ' })
    feed([drop, drop.replace('DROP A ', 'DROP B '), OUTBOUND, OUTBOUND.replace('DROP ', 'LOG ')])
    expect(skipped(d)).toEqual({ duplicate: 2, outbound: 1 })
    expect([d.engine.totals.packets, d.engine.totals.outbound.packets]).toEqual([1, 1])
  })
})

describe('one packet logged by an audit rule and then by the rule that drops it', () => {
  test('is scored once, by its drop line; the audit line is counted as audit', () => {
    const { d, feed } = make()
    const audit = tcpLine({ dport: 22, prefix: 'AUDIT ' })
    feed([audit, audit.replace('AUDIT ', 'DROP ')])
    expect([d.engine.totals.packets, skipped(d)]).toEqual([1, { audit: 1 }])
  })

  test('logged the other way round, the audit line is its copy', () => {
    const { d, feed } = make()
    const drop = tcpLine({ dport: 22, prefix: 'DROP ' })
    feed([drop, drop.replace('DROP ', 'AUDIT ')])
    expect([d.engine.totals.packets, skipped(d)]).toEqual([1, { duplicate: 1 }])
  })
})

describe('fwsnort lines: a SID the loaded Snort rules know', () => {
  const sidLine = (sidString: string, sid: number): string => tcpLine({ dport: 80, prefix: `[1] ${sidString}${sid} ` })
  const rules = (...sids: number[]): Partial<DetectionPlan> => ({ lists: { ...NO_LISTS, snortRules: new Map(sids.map((s) => [s, snortRule(s)])) } })

  test('is analysed even when the log-message search does not find the line', () => {
    const { d, feed } = make({ tweak: onlySearchDrop, plan: rules(2003) })
    feed([sidLine('SID', 2003), sidLine('SID', 2004), tcpLine({ dport: 81, prefix: 'REJECT ' }), tcpLine({ dport: 82, prefix: 'DROP ' })])
    expect([d.engine.totals.packets, skipped(d)]).toEqual([2, { 'fw-msg-search': 2 }])
  })

  test('without Snort rules a SID is just text in the prefix', () => {
    const { d, feed } = make({ tweak: onlySearchDrop })
    feed([sidLine('SID', 2003)])
    expect(skipped(d)).toEqual({ 'fw-msg-search': 1 })
  })

  test('the SID is found under the configured marker', () => {
    const custom = make({ tweak: (s) => (onlySearchDrop(s), (s.filters.sidString = 'FWSNORT')), plan: rules(2003) })
    custom.feed([sidLine('FWSNORT', 2003), sidLine('SID', 2003)])
    expect([custom.d.engine.totals.packets, skipped(custom.d)]).toEqual([1, { 'fw-msg-search': 1 }])
  })
})

describe('a new plan mid-run (SIGHUP)', () => {
  test('its filters apply to the lines after it; the sources and counters so far stay', () => {
    const { d, settings, feed } = make()
    feed([tcpLine({ dport: 22 }), tcpLine({ dport: 80 })])
    d.reconfigure(bareDetectionPlan(settings, { criteria: parseFields('DPT:22') }))
    feed([tcpLine({ dport: 22 }), tcpLine({ dport: 80 }), NOT_FIREWALL])
    expect([d.linesRead, d.engine.totals.packets, skipped(d)]).toEqual([5, 3, { fields: 1, 'not-firewall': 1 }])
    expect([...d.engine.sources.values()].map((s) => s.packets)).toEqual([3])
  })

  test('its signatures, lists and settings replace the old ones', () => {
    const { d, feed } = make()
    const settings = defaultSettings()
    Object.assign(settings.filters, { fwSearchAll: false, fwMsgSearch: ['DROP', 'ACCEPT'], includeAllowed: true, sidString: 'FWSNORT' })
    const lists: DetectionLists = { ...NO_LISTS, snortRules: new Map([[2003, snortRule(2003)]]) }
    feed([tcpLine({ dport: 1433 }), tcpLine({ dport: 22, prefix: 'ACCEPT ' })])
    expect([[...d.engine.sources.values()].map((s) => s.dl), skipped(d)]).toEqual([[0], { allowed: 1 }])
    d.reconfigure(bareDetectionPlan(settings, { signatures: { index: sqlSignatures(settings) }, lists }))
    feed([
      tcpLine({ dport: 1433, prefix: 'DROP X ' }), tcpLine({ dport: 23, prefix: 'ACCEPT ' }), tcpLine({ dport: 24, prefix: 'REJECT ' }),
      tcpLine({ dport: 25, prefix: '[1] FWSNORT2003 ', src: '198.51.100.9' }),
    ])
    expect([[...d.engine.sources.values()].map((s) => s.dl), skipped(d), d.engine.totals.packets]).toEqual([[2, 2], { allowed: 1, 'fw-msg-search': 1 }, 4])
  })
})

describe('the source of a line, for dealing lines to the parts of a run', () => {
  test('lines from one source get one number; lines that name no source get -1', () => {
    const { d } = make()
    const route = (l: string): number => {
      const b = Buffer.from(`#${l}#`)
      return d.route(b, 1, b.length - 1)
    }
    const a = route(tcpLine({ dport: 22 }))
    expect(a).toBeGreaterThanOrEqual(0)
    expect(route(udpLine({ dport: 53 }))).toBe(a)
    expect(route(tcpLine({ dport: 22, src: '198.51.100.9' }))).not.toBe(a)
    expect(route(NOT_FIREWALL)).toBe(-1)
  })
})

describe('a part of a run with threads', () => {
  test(`counts every host, prefix and outbound address by name, past the ${MAX_LABELS} a serial run keeps`, () => {
    const lines: string[] = []
    for (let i = 0; i <= MAX_LABELS; i++) {
      lines.push(tcpLine({ dport: 22, prefix: `DROP p${i} ` }).replace(' fw kernel:', ` h${i} kernel:`))
      lines.push(OUTBOUND.replace('SRC=192.0.2.1 DST=198.51.100.7', `SRC=10.0.${i >> 8}.${i & 255} DST=10.1.${i >> 8}.${i & 255}`))
    }
    const last = (d: Detector): string[] => {
      const t = d.engine.totals
      return [t.hosts, t.prefixes, t.outbound.sources, t.outbound.destinations].map((x) => {
        const data = x.data()
        return `${data.length} ${data.at(-1)!.key}`
      })
    }
    const serial = make()
    serial.feed(lines)
    expect(last(serial.d)).toEqual(['1001 other', '1001 other', '1001 other', '1001 other'])
    const part = make()
    part.d.countEveryLabel()
    part.feed(lines)
    expect(last(part.d)).toEqual(['1001 h1000', '1001 DROP p1000', '1001 10.0.3.232', '1001 10.1.3.232'])
  })
})
