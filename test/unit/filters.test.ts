import { describe, expect, test } from 'vitest'
import { parsePsadConf, resolveEntries } from '../../src/config/psad-conf.js'
import { applyConf } from '../../src/config/schema.js'
import type { Settings } from '../../src/config/settings.js'
import { UsageError } from '../../src/core/errors.js'
import { Detector } from '../../src/detect/detector.js'
import { bareDetectionPlan } from '../helpers/lines.js'
import { parseFields } from '../../src/detect/fields.js'
import { parseNetwork } from '../../src/parse/address.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { defaultSettings } from '../../src/config/settings.js'
import { protoLine, range, tcpLine, udpLine } from '../helpers/lines.js'

const scan = range(20, 1000).map((p) => tcpLine({ dport: p, src: '192.168.10.55', dst: '192.168.10.1' }))

function run(lines: string[], conf = '', fields = '', tweak?: (s: Settings) => void) {
  const settings = defaultSettings()
  if (conf !== '') applyConf(settings, resolveEntries(parsePsadConf(conf, 'test.conf')))
  tweak?.(settings)
  const detector = new Detector(bareDetectionPlan(settings, { criteria: fields === '' ? [] : parseFields(fields) }))
  lines.forEach((l, i) => detector.line(l, { year: 2026, reference: 0 }, () => `t:${i}`))
  return buildReport({ parts: [reportPart(detector, settings)], inputs: [] }, 't')
}

describe('psad filters (psad test suite cases 55-59, 68)', () => {
  test.each([
    ['IGNORE_PROTOCOLS tcp;', 'ignored-protocol'],
    ['IGNORE_INTERFACES eth1, eth0;', 'ignored-interface'],
    ['IGNORE_PORTS tcp/1000-1019;', 'ignored-port'],
    ['IGNORE_LOG_PREFIXES ^DR;', 'ignored-prefix'],
    ['FW_SEARCH_ALL N;\nFW_MSG_SEARCH nothere;', 'fw-msg-search'],
  ])('%j drops the scan and counts why', (conf, reason) => {
    const r = run(scan, conf)
    expect(r.sources).toEqual([])
    expect(r.summary.skipped).toEqual({ [reason]: 20 })
  })
  test('FW_SEARCH_ALL N with a matching FW_MSG_SEARCH keeps the lines', () => {
    expect(run(scan, 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH DROP;').sources.length).toBe(1)
  })
  test('IGNORE_PROTOCOLS takes numbers and names alike (2 = igmp)', () => {
    const igmp = range(6).map(() => protoLine({ proto: 2 }))
    expect(run(igmp, 'IGNORE_PROTOCOLS igmp;').summary.skipped).toEqual({ 'ignored-protocol': 6 })
    expect(run(igmp, 'IGNORE_PROTOCOLS 2;').summary.skipped).toEqual({ 'ignored-protocol': 6 })
  })
  test('IGNORE_PORTS only applies to its protocol', () => {
    const udp = range(6, 1000).map((p) => udpLine({ dport: p }))
    expect(run(udp, 'IGNORE_PORTS tcp/1000-1019;').summary.skipped).toEqual({})
  })
  test('ENABLE_IPV6_DETECTION N', () => {
    const v6 = 'Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 '
    expect(run([v6], 'ENABLE_IPV6_DETECTION N;').summary.skipped).toEqual({ 'ipv6-disabled': 1 })
  })
  test('--restrict-ip keeps packets from or to the network', () => {
    const r = run([...scan, tcpLine({ src: '10.9.9.9', dst: '10.8.8.8', dport: 1 })], '', '', (s) => {
      s.filters = { ...s.filters, restrictIp: [parseNetwork('192.168.10.0/24')!] }
    })
    expect(r.summary.packets).toBe(20)
    expect(r.summary.skipped).toEqual({ 'restrict-ip': 1 })
  })
  test('--since/--until on event time; lines without a time cannot be placed in the range', () => {
    const lines = [tcpLine({ dport: 1, time: 'Nov 22 09:00:00' }), tcpLine({ dport: 2, time: 'Nov 22 10:00:00' }), tcpLine({ dport: 3, time: 'Nov 22 11:00:00' }), `[ 5.0] ${tcpLine({ dport: 4 }).split('kernel: ')[1]}`]
    const r = run(lines, '', '', (s) => {
      s.filters = { ...s.filters, since: Date.UTC(2026, 10, 22, 10), until: Date.UTC(2026, 10, 22, 11) }
    })
    expect(r.summary.packets).toBe(1)
    expect(r.summary.skipped).toEqual({ 'time-range': 3 })
  })
})

describe('--fields (psad --analysis-fields, test suite cases 41-48)', () => {
  test.each([
    ['SRC:1.2.3.4', 0],
    ['SRC:192.168.10.55', 20],
    ['DST:1.2.3.4', 0],
    ['DST:192.168.10.1', 20],
    ['SRC:192.168.10.55, DST:192.168.10.1', 20],
    ['SRC:192.168.10.0/24', 20],
    ['LEN:15', 0],
    ['LEN:44', 20],
    ['DPT:>1009', 10],
    ['DPT:<1005', 5],
    ['DPT:not 1000', 19],
    ['FLAGS:/SYN/', 20],
    ["PREFIX:'DROP'", 20],
    ["PREFIX:'DRO'", 0],
    ['dpt:>1009, DPT:<1012', 2],
  ])('%s keeps %i packets', (spec, packets) => {
    expect(run(scan, '', spec).summary.packets).toBe(packets)
  })
  test('an unknown field is a usage error listing the valid fields', () => {
    expect(() => parseFields('BOGUS:44')).toThrow(UsageError)
    try {
      parseFields('BOGUS:44')
    } catch (e) {
      expect((e as UsageError).hint).toMatch(/^valid fields are: .*DPT.*LEN.*SRC/)
      expect((e as UsageError).exit).toBe(2)
    }
  })
  test.each(['SRC:not-an-ip', 'DPT:/(/', 'SRC:'])('%j is a usage error', (spec) => {
    expect(() => parseFields(spec)).toThrow(UsageError)
  })
})
