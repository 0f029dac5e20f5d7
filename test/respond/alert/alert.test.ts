import { describe, expect, test } from 'vitest'
import { buildAlert, signatureKey, snapshot } from '../../../src/respond/alert/alert.js'
import { mergeRanges, parseRange, subtractRange } from '../../../src/respond/alert/port-ranges.js'
import type { SourceV1 } from '../../../src/report/model.js'
import { HOSTILE, scanSources } from '../../helpers/alert-events.js'

describe('port ranges', () => {
  test('parse, merge (overlapping and adjacent), subtract', () => {
    expect(parseRange('20-39')).toEqual([20, 39])
    expect(parseRange('53')).toEqual([53, 53])
    expect(parseRange('9-1')).toBeNull()
    expect(parseRange('70000')).toBeNull()
    expect(mergeRanges([[50, 60], [20, 39], [40, 45], [58, 70], [100, 100]])).toEqual([[20, 45], [50, 70], [100, 100]])
    expect(subtractRange([20, 209], [20, 39])).toEqual([[40, 209]])
    expect(subtractRange([10, 100], [20, 39])).toEqual([[10, 19], [40, 100]])
    expect(subtractRange([10, 19], [20, 39])).toEqual([[10, 19]])
    expect(subtractRange([20, 30], [10, 39])).toEqual([])
  })
})

describe('buildAlert', () => {
  test('a first alert: everything is new, reason and time from the context', () => {
    const { first } = scanSources()
    const a = buildAlert(first, null, { time: Date.UTC(2026, 10, 22, 10, 0, 0), hosts: ['fw1', 'fw2'], lines: ['a', 'b', 'c', 'd', 'e', 'f'] })
    expect(a).toMatchObject({
      type: 'alert', time: '2026-11-22T10:00:00.000Z', ip: '203.0.113.7', dangerLevel: 2, previousDangerLevel: 0, reason: 'first alert at DL 2',
      ports: { tcp: { new: ['20-39'], all: ['20-39'] }, udp: { new: [], all: [] } },
      destinations: [{ ip: '192.0.2.10', tcpPorts: '20-39', udpPorts: null, packets: 20, newPackets: 20, protocols: 1 }],
      destinationsTotal: 1, flags: { SYN: 20 }, packets: 20, newPackets: 20, hosts: ['fw1', 'fw2'], scanTypes: ['SYN'], nmapOptions: ['-sS'],
    })
    expect(a.lines).toEqual(['b', 'c', 'd', 'e', 'f'])
    expect(a.enrichment).toBeUndefined()
    expect(buildAlert(first, null, { time: 0, hosts: [], lines: [], previousDangerLevel: 0 }).reason).toBe('first alert at DL 2')
    expect(buildAlert(first, null, { time: 0, hosts: [], lines: [], previousDangerLevel: 1 }).reason).toBe('danger level rose from 1 to 2')
  })

  test('a later alert: new ports, packets and destinations are those since the snapshot', () => {
    const { first, later } = scanSources()
    const a = buildAlert(later, snapshot(first), { time: Date.UTC(2026, 10, 22, 10, 0, 6), hosts: ['fw'], lines: [], maxLines: 0 })
    expect(a.reason).toBe('danger level rose from 2 to 3')
    expect(a.previousDangerLevel).toBe(2)
    expect(a.ports).toEqual({ tcp: { new: ['40-209'], all: ['20-209'] }, udp: { new: ['53'], all: ['53'] } })
    expect(a.destinations.map((d) => [d.ip, d.packets, d.newPackets])).toEqual([['192.0.2.10', 190, 170], ['192.0.2.11', 1, 1]])
    expect(a.newPackets).toBe(171)
    expect(a.packets).toBe(191)
  })

  test('the snapshot survives JSON (as in the state file) and gives the same alert', () => {
    const { first, later } = scanSources()
    const snap = snapshot(first)
    const ctx = { time: Date.UTC(2026, 10, 22, 10, 0, 6), hosts: [], lines: [] }
    expect(buildAlert(later, JSON.parse(JSON.stringify(snap)), ctx)).toEqual(buildAlert(later, snap, ctx))
    expect(snap).toEqual({ v: 1, dangerLevel: 2, packets: 20, destinations: { '192.0.2.10': [20, '20-39', null] }, signatures: {} })
  })

  test('signatures carry their matches since the previous alert; same DL is "new activity"', () => {
    const { later } = scanSources()
    const sig = { sid: 621, psadId: null, msg: 'SCAN FIN', protocol: 'tcp', count: 3, dangerLevel: 2 }
    const before: SourceV1 = { ...later, signatures: [sig] }
    const now: SourceV1 = { ...later, signatures: [{ ...sig, count: 5 }, { ...sig, sid: 624, msg: 'SCAN NULL', count: 1 }] }
    const a = buildAlert(now, snapshot(before), { time: Date.UTC(2026, 10, 22), hosts: [], lines: [] })
    expect(a.signatures.map((s) => [s.msg, s.count, s.newCount])).toEqual([['SCAN FIN', 5, 2], ['SCAN NULL', 1, 1]])
    expect(a.reason).toBe('new activity at DL 3')
    expect(signatureKey(sig)).toBe('tcp|621||SCAN FIN')
  })

  test('raw lines are kept one line each with controls escaped; no timestamp falls back to lastSeen', () => {
    const { first } = scanSources()
    const a = buildAlert(first, null, { time: Number.NaN, hosts: [], lines: [HOSTILE] })
    expect(a.time).toBe(first.lastSeen)
    expect(a.lines).toHaveLength(1)
    expect(a.lines[0]).not.toMatch(/[\n\x1b\u202e]/)
    expect(a.lines[0]).toContain('evil\\x0a<13>')
  })
})
