import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { defaultSettings, type Settings } from '../../src/config/settings.js'
import { restoreSnapshot, snapshot } from '../helpers/snapshot.js'
import { Detector } from '../../src/detect/detector.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { renderHtml } from '../../src/report/html.js'
import type { ReportV1 } from '../../src/report/model.js'
import { renderText } from '../../src/report/text.js'
import { CAPTURES } from '../helpers/golden.js'
import { bareDetectionPlan } from '../helpers/lines.js'

// What the firewall did decides what is scored: real ufw output (test/fixtures/captures/ufw-actions.log)
// logs every new packet `[UFW AUDIT]` and then by its verdict rule; the target's own outbound
// connections are logged too (`IN= OUT=eth0`).

const UFW = readFileSync(path.join(CAPTURES, 'ufw-actions.log'), 'utf8').split('\n').filter((l) => l !== '')
const TIME = { year: 2026, reference: Date.UTC(2026, 11, 4) }

function detector(tweak?: (s: Settings) => void): { d: Detector; settings: Settings } {
  const settings = defaultSettings()
  tweak?.(settings)
  return { d: new Detector(bareDetectionPlan(settings)), settings }
}

function run(lines: readonly string[], tweak?: (s: Settings) => void): ReportV1 {
  const { d, settings } = detector(tweak)
  lines.forEach((l, i) => d.line(l, TIME, () => `t:${i + 1}`))
  return buildReport({ parts: [reportPart(d, settings)], inputs: [] }, 'test')
}

const count = (pattern: RegExp): number => UFW.filter((l) => pattern.test(l)).length
const includeAllowed = (s: Settings): void => void (s.filters.includeAllowed = true)

describe('ufw: audit, allow, block and limit lines of one ruleset', () => {
  test('by default only denied packets are scored; audit lines and the host own traffic are counted apart', () => {
    const r = run(UFW)
    const blocked = count(/\[UFW (LIMIT )?BLOCK\] IN=eth0/)
    const inboundAudit = count(/\[UFW AUDIT\] IN=eth0/)
    const outbound = count(/IN= OUT=eth0/)
    expect(blocked).toBeGreaterThan(5)
    expect(r.summary.packets).toBe(blocked)
    // Each inbound packet's audit line is counted under audit; its ALLOW copy is a duplicate, and its
    // BLOCK copy is the packet that is scored.
    expect(r.summary.skipped).toEqual({ audit: inboundAudit, duplicate: count(/\[UFW ALLOW\]/), outbound: outbound / 2 })
    expect(r.summary.logPrefixes).toEqual({ '[UFW BLOCK]': count(/\[UFW BLOCK\]/), '[UFW LIMIT BLOCK]': count(/\[UFW LIMIT BLOCK\]/) })
    expect(r.sources.map((s) => s.ip)).toEqual(['10.77.0.1'])
    expect(r.sources[0]!.destinations[0]!.tcpPorts).not.toContain('80')
  })

  test('packets the host sent are outbound traffic, never a source', () => {
    const r = run(UFW)
    expect(r.summary.outbound).toEqual({ packets: count(/IN= OUT=eth0/) / 2, sources: { '10.77.0.2': 7 }, destinations: { '10.77.0.1': 7 } })
    expect(r.sources.some((s) => s.ip === '10.77.0.2')).toBe(false)
    // The text and HTML reports show it in a section of its own; a report without any has none.
    const text = renderText(r)
    expect(text).toContain('[+] Outbound traffic:\n    7 packets sent by this host (never scored, alerted on or blocked)\n    from: 10.77.0.2: 7\n    to: 10.77.0.1: 7\n')
    const html = renderHtml(r, { generatedAt: '2026-11-22T12:00:00Z' })
    const section = html.slice(html.indexOf('<section id="outbound"'), html.indexOf('</section>', html.indexOf('<section id="outbound"')))
    expect(section).toMatch(/<td class="mono wrap">10\.77\.0\.2<\/td><td class="num" data-v="7">7<\/td>/)
    expect(section).toMatch(/<td class="mono wrap">10\.77\.0\.1<\/td><td class="num" data-v="7">7<\/td>/)
    const none = run(UFW.filter((l) => !l.includes('IN= OUT=')))
    expect(renderText(none)).not.toContain('Outbound')
    expect(renderHtml(none, { generatedAt: '2026-11-22T12:00:00Z' })).not.toContain('id="outbound"')
    // Even as a lone scan of six ports with --include-allowed.
    expect(run(UFW.filter((l) => l.includes('IN= OUT=')), includeAllowed).sources).toEqual([])
  })

  test('--include-allowed scores every packet once: the audit line is the packet, the verdict line its copy', () => {
    const r = run(UFW, includeAllowed)
    const inbound = count(/\[UFW AUDIT\] IN=eth0/)
    expect(r.summary.packets).toBe(inbound)
    expect(r.summary.skipped).toEqual({ duplicate: inbound + count(/\[UFW AUDIT\] IN= OUT=/), outbound: count(/\[UFW AUDIT\] IN= OUT=/) })
    expect(r.sources[0]!.packets).toBe(inbound)
    expect(r.sources[0]!.destinations[0]!.tcpPorts).toBe('22-85')
  })

  test('a copy is only a copy from the same host, with another prefix, within a second', () => {
    const audit = UFW.find((l) => l.includes('[UFW AUDIT] IN=eth0') && l.includes('DPT=80 '))!
    const allow = UFW[UFW.indexOf(audit) + 1]!
    expect(run([audit, allow], includeAllowed).summary).toMatchObject({ packets: 1, skipped: { duplicate: 1 } })
    // A flood of identical packets through one rule is every packet.
    expect(run([audit, audit, audit], includeAllowed).summary).toMatchObject({ packets: 3, skipped: {} })
    expect(run([audit, allow.replace(' fw kernel:', ' fw2 kernel:')], includeAllowed).summary.packets).toBe(2)
    const later = allow.replace(/T(\d\d):(\d\d):(\d\d)\./, (_, h: string, m: string, sec: string) => `T${h}:${m}:${String((Number(sec) + 2) % 60).padStart(2, '0')}.`)
    expect(later).not.toBe(allow)
    expect(run([audit, later], includeAllowed).summary.packets).toBe(2)
    expect(run([audit, allow.replace(/ ID=(\d+) /, ' ID=1 ')], includeAllowed).summary.packets).toBe(2)
  })

  test('a copy is found after up to 1,023 other packets in between', () => {
    const audit = UFW.find((l) => l.includes('[UFW AUDIT] IN=eth0') && l.includes('DPT=80 '))!
    const allow = UFW[UFW.indexOf(audit) + 1]!
    const others = (n: number): string[] => Array.from({ length: n }, (_, i) => audit.replace(/SRC=\S+/, `SRC=198.18.${i >> 8}.${i & 255}`))
    expect(run([audit, ...others(1023), allow], includeAllowed).summary.skipped).toEqual({ duplicate: 1 })
    expect(run([audit, ...others(1024), allow], includeAllowed).summary.skipped).toEqual({})
  })

  test('the recent packets are saved state: a copy after a restart is still a copy', () => {
    const audit = UFW.find((l) => l.includes('[UFW AUDIT] IN=eth0') && l.includes('DPT=80 '))!
    const allow = UFW[UFW.indexOf(audit) + 1]!
    const { d: a } = detector(includeAllowed)
    a.line(audit, TIME, () => 't:1')
    const { d: b } = detector(includeAllowed)
    restoreSnapshot(b, JSON.parse(JSON.stringify(snapshot(a))))
    b.line(allow, TIME, () => 't:2')
    expect(Object.fromEntries(b.skipped)).toEqual({ duplicate: 1 })
  })
})
