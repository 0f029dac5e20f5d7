import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { parseAutoDl } from '../../src/config/auto-dl.js'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import { defaultSettings, type Settings } from '../../src/config/settings.js'
import type { SnortRuleInfo } from '../../src/config/snort-rules.js'
import { Detector } from '../../src/detect/detector.js'
import { NO_LISTS, type DetectionLists } from '../../src/detect/engine.js'
import { parseFields } from '../../src/detect/fields.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import type { ReportV1 } from '../../src/report/model.js'
import { BIN, tempDir } from '../helpers/cli.js'
import { CAPTURES } from '../helpers/golden.js'
import { bareDetectionPlan, icmpLine, protoLine, range, tcpLine, udpLine } from '../helpers/lines.js'

// Behaviours that hand-made mutations of the core once got past the suite (drop-and-ignore paths).
// Each is pinned at the level a user sees it: the report (sources, scan types, line counters).

interface Run {
  tweak?: (s: Settings) => void
  lists?: Partial<DetectionLists>
  signatures?: string
  fields?: string
}

function report(lines: readonly string[], run: Run = {}): ReportV1 {
  const settings = defaultSettings()
  run.tweak?.(settings)
  const sigs = run.signatures === undefined ? null : new SignatureIndex(parseSignatures(run.signatures, 'test.sig', { vars: settings.vars, strict: false }).signatures)
  const plan = bareDetectionPlan(settings, {
    signatures: sigs === null ? null : { index: sigs },
    lists: { ...NO_LISTS, ...run.lists },
    criteria: run.fields === undefined ? [] : parseFields(run.fields),
  })
  const detector = new Detector(plan)
  const time = { year: 2026, reference: Date.UTC(2026, 10, 22) }
  lines.forEach((l, i) => detector.line(l, time, () => `t:${i + 1}`))
  return buildReport({ parts: [reportPart(detector, settings)], inputs: [] }, 'test')
}

const SQL_PROBE = 'alert tcp any any -> any 1433 (msg:"MISC MS SQL probe"; flags:S,12; psad_id:300001; psad_dl:2;)'

describe('drop-and-ignore paths', () => {
  test('auto_dl DL 0 ignores the source even when it trips a signature (else it is reported at DL 2)', () => {
    const autoDl = parseAutoDl('203.0.113.5 0;\n', 'auto_dl')
    const lines = [tcpLine({ dport: 1433 })]
    expect(report(lines, { signatures: SQL_PROBE }).sources.map((s) => [s.ip, s.dangerLevel])).toEqual([['203.0.113.5', 2]])
    const r = report(lines, { signatures: SQL_PROBE, lists: { autoDl } })
    expect(r.sources).toEqual([])
    expect(r.summary.skipped).toEqual({ 'auto-dl-ignore': 1 })
  })

  test('a CWR ECE SYN scan is a SYN scan (ECN bits are masked off, not the SYN)', () => {
    const r = report(range(10, 1000).map((p) => tcpLine({ dport: p, flags: 'CWR ECE SYN' })))
    expect(r.sources[0]?.scanTypes).toEqual(['SYN'])
    expect(r.sources[0]?.nmapOptions).toEqual(['-sS'])
  })

  test('an ACK scan sent from port 80 to service ports above 1023 is scored, not taken for conntrack leftovers', () => {
    const servicePorts = [1194, 1883, 3000, 3128, 3306, 3389, 5432, 6379, 8080, 8443]
    const r = report(servicePorts.map((p) => tcpLine({ sport: 80, dport: p, flags: 'ACK' })))
    expect(r.summary.skipped).toEqual({})
    expect(r.sources[0]).toMatchObject({ ip: '203.0.113.5', scanTypes: ['ACK'], packets: 10 })
    // …while the same packets to ephemeral client ports are the leftovers of forgotten connections.
    const leftovers = report(range(10, 40000).map((p) => tcpLine({ sport: 80, dport: p, flags: 'ACK' })))
    expect(leftovers.summary.skipped).toEqual({ 'conntrack-leftover': 10 })
  })

  test('XMAS with every flag set is an XMAS scan (-sX)', () => {
    const r = report(range(6, 20).map((p) => tcpLine({ dport: p, flags: 'URG ACK PSH RST SYN FIN' })))
    expect(r.sources[0]?.scanTypes).toEqual(['XMAS'])
    expect(r.sources[0]?.nmapOptions).toEqual(['-sX'])
  })

  test("a signature's '+' modifier with several flags needs all of them and allows more", () => {
    const sig = 'alert tcp any any -> any any (msg:"SF plus"; flags:SF+; psad_id:300999; psad_dl:2;)'
    const hits = (flags: string): number => report([tcpLine({ dport: 80, flags })], { signatures: sig }).sources[0]?.signatures.length ?? 0
    expect(hits('SYN FIN')).toBe(1)
    expect(hits('PSH SYN FIN')).toBe(1)
    expect(hits('SYN')).toBe(0)
    expect(hits('FIN')).toBe(0)
  })

  test('a source port above 65535 makes the line malformed', () => {
    const r = report([tcpLine({ dport: 80, sport: 70000 })])
    expect(r.summary.skipped).toEqual({ malformed: 1 })
    expect(r.malformed[0]?.where).toBe('t:1')
  })
})

const FWSNORT_RULE: SnortRuleInfo = { sid: 2003, gid: 1, rev: 1, msg: 'MS-SQL Worm propagation attempt', classtype: 'misc-attack', priority: 2, contents: [], references: [], metadata: null, action: 'alert', proto: 'udp', entry: 'rules:1' }

// Real ufw lines (test/fixtures/captures/ufw-actions.log): one inbound packet logged `[UFW AUDIT]` and
// then `[UFW ALLOW]`, and one the target sent itself.
const UFW = readFileSync(path.join(CAPTURES, 'ufw-actions.log'), 'utf8').split('\n')
const UFW_AUDIT = UFW.find((l) => l.includes('[UFW AUDIT] IN=eth0') && l.includes('DPT=80 '))!
const UFW_ALLOW = UFW[UFW.indexOf(UFW_AUDIT) + 1]!
const UFW_OUTBOUND = UFW.find((l) => l.includes('IN= OUT=eth0'))!
const INCLUDE_ALLOWED: Run = { tweak: (s) => void (s.filters.includeAllowed = true) }

// Every bucket of the line counter, with one line that lands in it (and nothing else); a few need
// lines before it, which are packets.
const BUCKETS: [string, string, Run, string[]?][] = [
  ['not-firewall', 'Nov 22 10:00:00 fw sshd[12]: Accepted publickey for root', {}],
  ['malformed', tcpLine({ dport: 80 }).replace('SRC=203.0.113.5', 'SRC=203.0.113.999'), {}],
  ['non-ip', 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:06 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1', {}],
  ['ignored-prefix', tcpLine({ dport: 80, prefix: 'DROP INVALID ' }), { tweak: (s) => void (s.filters.ignoreLogPrefixes = /^DROP INVALID/) }],
  ['ignored-interface', tcpLine({ dport: 80 }), { tweak: (s) => void (s.filters.ignoreInterfaces = ['eth0']) }],
  ['fw-msg-search', tcpLine({ dport: 80, prefix: 'REJECT ' }), { tweak: (s) => void Object.assign(s.filters, { fwSearchAll: false, fwMsgSearch: ['DROP'] }) }],
  ['ipv6-disabled', tcpLine({ dport: 80, src: '2001:db8::5', dst: '2001:db8::1' }).replace(/LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=\d+/, 'LEN=64 TC=0 HOPLIMIT=50 FLOWLBL=0'), { tweak: (s) => void (s.filters.ipv6 = false) }],
  ['ignored-protocol', udpLine({ dport: 53 }), { tweak: (s) => void (s.filters.ignoreProtocols = [17]) }],
  ['conntrack', tcpLine({ dport: 80, flags: 'ACK' }), { tweak: (s) => void (s.detection = { ...s.detection, conntrack: 'ignore' }) }],
  ['conntrack-leftover', tcpLine({ sport: 443, dport: 45000, flags: 'ACK' }), {}],
  ['ignored-port', tcpLine({ dport: 80 }), { tweak: (s) => void (s.filters.ignorePorts = [{ proto: 6, lo: 80, hi: 80 }]) }],
  ['restrict-ip', tcpLine({ dport: 80 }), { tweak: (s) => void (s.filters.restrictIp = [{ v6: false, words: [0x0a000000], prefix: 8, text: '10.0.0.0/8' }]) }],
  ['time-range', tcpLine({ dport: 80 }), { tweak: (s) => void (s.filters.since = Date.UTC(2026, 10, 23)) }],
  ['fields', tcpLine({ dport: 80 }), { fields: 'DPT:22' }],
  ['signature-dl0', tcpLine({ dport: 1433 }), { signatures: SQL_PROBE.replace('psad_dl:2', 'psad_dl:0') }],
  ['snort-rule-dl0', udpLine({ dport: 1434 }).replace('DROP ', '[1] SID2003 '), { lists: { snortRules: new Map([[2003, FWSNORT_RULE]]), snortRuleDl: parseSnortRuleDl('2003 0\n', 'snort_rule_dl') } }],
  ['auto-dl-ignore', icmpLine({ type: 8, code: 0 }), { lists: { autoDl: parseAutoDl('203.0.113.0/24 0;\n', 'auto_dl') } }],
  ['allowed', UFW_ALLOW, {}],
  ['audit', UFW_AUDIT, {}],
  ['outbound', UFW_OUTBOUND, {}],
  ['duplicate', UFW_ALLOW, INCLUDE_ALLOWED, [UFW_AUDIT]],
  ['packet', protoLine({ proto: 47 }), {}],
]

describe('every line lands in exactly one bucket', () => {
  test.each(BUCKETS)('%s', (bucket, line, run, before = []) => {
    const r = report([...before, line], run)
    expect(r.summary.linesRead).toBe(before.length + 1)
    if (bucket === 'packet') {
      expect(r.summary).toMatchObject({ packets: 1, skipped: {} })
      return
    }
    expect(r.summary.packets).toBe(before.length)
    expect(r.summary.skipped).toEqual({ [bucket]: 1 })
    // The same line without the setting (or the lines) that drop it is a packet (except lines that are never packets).
    const keep = bucket === 'conntrack-leftover'
      ? { tweak: (s: Settings) => void (s.detection = { ...s.detection, conntrack: 'keep' as const }) }
      : ['allowed', 'audit', 'duplicate'].includes(bucket) ? INCLUDE_ALLOWED : {}
    if (!['not-firewall', 'malformed', 'non-ip', 'outbound'].includes(bucket)) expect(report([line], keep).summary.packets).toBe(1)
  })

  test('too-long is counted by the line splitter without parsing', async () => {
    const { LineSplitter } = await import('../../src/sources/lines.js')
    const seen: string[] = []
    const s = new LineSplitter(300, () => seen.push('line'), () => seen.push('too-long'))
    s.push(Buffer.from(`${'x'.repeat(400)}\nshort\n`))
    expect(seen).toEqual(['too-long', 'line'])
  })
})

// Writes argv[1]'s first byte into the pipe on stdout, waits until the reader has taken it (FIONREAD
// is 0), then writes the rest: the reader sees that byte alone whatever the machine's speed.
const ONE_BYTE_FIRST = `
import fcntl, os, struct, sys, termios, time
data = open(sys.argv[1], 'rb').read()
os.write(1, data[:1])
while struct.unpack('i', fcntl.ioctl(1, termios.FIONREAD, b'0000'))[0] > 0: time.sleep(0.01)
time.sleep(0.2)
os.write(1, data[1:])
`

describe('standard input', () => {
  test('gzip is recognised even when its first byte arrives alone', () => {
    const { dir, cleanup } = tempDir()
    try {
      const gz = path.join(dir, 'two.gz')
      writeFileSync(gz, gzipSync(`${tcpLine({ dport: 22 })}\n${tcpLine({ dport: 23 })}\n`))
      const r = spawnSync('sh', ['-c', 'python3 -c "$1" "$2" | "$3" "$4" analyze - --format json', 'sh', ONE_BYTE_FIRST, gz, process.execPath, BIN], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } })
      expect(r.status, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout) as ReportV1
      expect(report.inputs[0]).toMatchObject({ name: '-', gzip: true, lines: 2 })
      expect(report.summary.packets).toBe(2)
    } finally {
      cleanup()
    }
  })
})
