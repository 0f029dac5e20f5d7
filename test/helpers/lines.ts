import { defaultSettings, type Settings } from '../../src/config/settings.js'
import { Detector, type DetectionPlan } from '../../src/detect/detector.js'
import { NO_LISTS } from '../../src/detect/engine.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'
import type { TimeContext } from '../../src/parse/time.js'
import type { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import type { ReportV1 } from '../../src/report/model.js'
import { buildReport, reportPart } from '../../src/report/build.js'

// Builders for kernel LOG lines in the exact layout nf_log_syslog prints, for unit tests of the
// engine. Fixture files under test/fixtures/captures hold real kernel output; these are for
// boundary cases that no capture pins down exactly.

let seq = 0

/** Returns a DetectionPlan of `settings` with nothing else; `more` fills in the rest. */
export function bareDetectionPlan(settings: Settings, more: Partial<DetectionPlan> = {}): DetectionPlan {
  return { settings, criteria: [], signatures: null, os: null, lists: NO_LISTS, ...more }
}

export interface TcpOpts {
  src?: string
  dst?: string
  sport?: number
  dport: number
  flags?: string
  time?: string
  prefix?: string
  len?: number
  opts?: string | null
  window?: number
  ttl?: number
}

const head = (time: string, prefix: string): string => `${time} fw kernel: ${prefix}`

export function tcpLine(o: TcpOpts): string {
  const opts = o.opts === undefined ? ' OPT (020405B4)' : o.opts === null ? '' : ` OPT (${o.opts})`
  return `${head(o.time ?? 'Nov 22 10:00:00', o.prefix ?? 'DROP ')}IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=${o.src ?? '203.0.113.5'} DST=${o.dst ?? '192.0.2.1'} LEN=${o.len ?? 44} TOS=0x00 PREC=0x00 TTL=${o.ttl ?? 50} ID=${++seq % 65536} PROTO=TCP SPT=${o.sport ?? 40000} DPT=${o.dport} WINDOW=${o.window ?? 1024} RES=0x00 ${o.flags ?? 'SYN'} URGP=0${opts} `
}

export function udpLine(o: { src?: string; dst?: string; sport?: number; dport: number; time?: string; len?: number }): string {
  const len = o.len ?? 28
  return `${head(o.time ?? 'Nov 22 10:00:00', 'DROP ')}IN=eth0 OUT= SRC=${o.src ?? '203.0.113.5'} DST=${o.dst ?? '192.0.2.1'} LEN=${len} TOS=0x00 PREC=0x00 TTL=50 ID=${++seq % 65536} PROTO=UDP SPT=${o.sport ?? 40000} DPT=${o.dport} LEN=${len - 20} `
}

export function icmpLine(o: { src?: string; dst?: string; type: number; code: number; time?: string; len?: number; id?: number; seq?: number }): string {
  const echo = o.type === 0 || o.type === 8 ? ` ID=${o.id ?? 1234} SEQ=${o.seq ?? 1}` : ''
  return `${head(o.time ?? 'Nov 22 10:00:00', 'DROP ')}IN=eth0 OUT= SRC=${o.src ?? '203.0.113.5'} DST=${o.dst ?? '192.0.2.1'} LEN=${o.len ?? 28} TOS=0x00 PREC=0x00 TTL=50 ID=${++seq % 65536} PROTO=ICMP TYPE=${o.type} CODE=${o.code}${echo} `
}

export function protoLine(o: { src?: string; dst?: string; proto: number; time?: string }): string {
  return `${head(o.time ?? 'Nov 22 10:00:00', 'DROP ')}IN=eth0 OUT= SRC=${o.src ?? '203.0.113.5'} DST=${o.dst ?? '192.0.2.1'} LEN=20 TOS=0x00 PREC=0x00 TTL=50 ID=${++seq % 65536} PROTO=${o.proto} `
}

/** Runs lines through a fresh detector (no signatures unless given) and returns the report. */
export function analyzeLines(lines: readonly string[], tweak?: (s: Settings) => void, signatures: SignatureIndex | null = null): ReportV1 {
  const settings = defaultSettings()
  tweak?.(settings)
  const detector = new Detector(bareDetectionPlan(settings, { signatures: signatures === null ? null : { index: signatures } }))
  const time = { year: 2026, reference: Date.UTC(2026, 10, 22) }
  lines.forEach((l, i) => detector.line(l, time, () => `test:${i + 1}`))
  return buildReport({ parts: [reportPart(detector, settings)], inputs: [] }, 'test')
}

/** The danger level of one source in a report, 0 when it is not listed. */
export function dlOf(report: ReportV1, ip = '203.0.113.5'): number {
  return report.sources.find((s) => s.ip === ip)?.dangerLevel ?? 0
}

export function range(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => from + i)
}

/** What a fresh LineParser makes of one line: the packet, or its verdict and reason; and its route. */
export interface ParsedLine { packet: Packet | null; verdict: string; error: string; route: number }

export function parseLine(line: string, ctx: TimeContext, sidString = 'SID'): ParsedLine {
  const parser = new LineParser({ sidString })
  const b = Buffer.from(line)
  const route = parser.route(b, 0, b.length)
  const r = parser.parse(line, ctx)
  return typeof r === 'string' ? { packet: null, verdict: r, error: parser.error, route } : { packet: r, verdict: 'packet', error: '', route }
}

/** Every field of the Packet interface, read through its getters. */
export function packetFields(p: Packet): Record<string, unknown> {
  return {
    time: p.time, host: p.host, prefix: p.prefix, chain: p.chain, inIf: p.inIf, outIf: p.outIf, physIn: p.physIn, physOut: p.physOut,
    mac: p.mac, macSrc: p.macSrc, macDst: p.macDst, ipv6: p.ipv6, src: p.src, dst: p.dst, srcZone: p.srcZone, dstZone: p.dstZone,
    srcNum: p.srcNum, dstNum: p.dstNum, len: p.len, tos: p.tos, ttl: p.ttl, flowLabel: p.flowLabel, ipId: p.ipId, df: p.df,
    fragment: p.fragment, ipOpts: p.ipOpts, extHeaders: p.extHeaders, emptyExtHeaders: p.emptyExtHeaders, proto: p.proto,
    sport: p.sport, dport: p.dport, window: p.window, flags: p.flags, seq: p.seq, ack: p.ack, tcpOpts: p.tcpOpts,
    tcpOptsBytes: p.tcpOptsBytes, udpLen: p.udpLen, icmpType: p.icmpType, icmpCode: p.icmpCode, icmpId: p.icmpId,
    icmpSeq: p.icmpSeq, fwsnortSid: p.fwsnortSid, fwsnortRule: p.fwsnortRule, estab: p.estab,
  }
}

/** The packet of a line the parser accepts (2026-12-06 as the reference day); throws with the reason for any other line. */
export function packetOf(line: string, ctx: TimeContext = { year: 2026, reference: Date.UTC(2026, 11, 6) }): Packet {
  const r = parseLine(line, ctx)
  if (r.packet === null) throw new Error(`${r.verdict}: ${r.error}`)
  return r.packet
}
