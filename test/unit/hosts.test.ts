import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { Detector } from '../../src/detect/detector.js'
import { MAX_SOURCE_LABELS } from '../../src/detect/engine.js'
import { buildReport, reportPart, sourceReport } from '../../src/report/build.js'
import { renderHtml } from '../../src/report/html.js'
import { renderText } from '../../src/report/text.js'
import { CAPTURES } from '../helpers/golden.js'
import { bareDetectionPlan } from '../helpers/lines.js'

// psad's --log-server mode: one log collects several firewalls' lines, and a source is one address
// across all of them. Each source record says which syslog hosts logged its packets, and how many.
// The lines are real (syn-scan.log, host `fw`), some relabelled as other firewalls' (the host field).

const SCAN = readFileSync(path.join(CAPTURES, 'syn-scan.log'), 'utf8').split('\n').filter((l) => l !== '')
const TIME = { year: 2026, reference: Date.UTC(2026, 10, 22) }
const asHost = (line: string, host: string): string => line.replace(' fw kernel:', host === '' ? ' kernel:' : ` ${host} kernel:`)

function detect(lines: readonly string[]): Detector {
  const d = new Detector(bareDetectionPlan(defaultSettings()))
  lines.forEach((l, i) => d.line(l, TIME, () => `t:${i + 1}`))
  return d
}

describe('the syslog hosts that logged a source', () => {
  test('counted per host, in analyze reports and in the record status and alerts use', () => {
    const lines = SCAN.map((l, i) => (i % 3 === 0 ? asHost(l, 'fw2') : l))
    const d = detect(lines)
    const fw2 = Math.ceil(SCAN.length / 3)
    const expected = { fw: SCAN.length - fw2, fw2 }
    const settings = defaultSettings()
    const r = buildReport({ parts: [reportPart(d, settings)], inputs: [] }, 'test')
    expect(r.sources[0]!.hosts).toEqual(expected)
    expect(Object.keys(r.sources[0]!.hosts)).toEqual(['fw', 'fw2'])
    expect(sourceReport(d, settings, '10.77.0.1')!.hosts).toEqual(expected)
    expect(renderText(r)).toContain(`\n    syslog hosts: fw: ${expected.fw}, fw2: ${expected.fw2}\n`)
    expect(renderHtml(r, { generatedAt: '2026-11-22T12:00:00Z' })).toContain(`<dt>Syslog hosts</dt><dd class="mono">fw ${expected.fw}, fw2 ${expected.fw2}</dd>`)
  })

  test('bounded like the other per-source tallies (log prefixes): the first host and 32 more, the rest as other', () => {
    const lines = SCAN.map((l, i) => asHost(l, `fw${i}`))
    const hosts = sourceReport(detect(lines), defaultSettings(), '10.77.0.1')!.hosts
    expect(Object.keys(hosts)).toHaveLength(1 + MAX_SOURCE_LABELS + 1)
    expect(hosts.other).toBe(SCAN.length - 1 - MAX_SOURCE_LABELS)
    expect(Object.values(hosts).reduce((a, b) => a + b, 0)).toBe(SCAN.length)
  })

  test('a line without a host is counted under unknown, as in the run-wide host tally', () => {
    const lines = SCAN.slice(0, 10).map((l, i) => (i < 4 ? l.replace(/^\S+ fw kernel: /, 'kernel: ') : l))
    const r = buildReport({ parts: [reportPart(detect(lines), defaultSettings())], inputs: [] }, 'test')
    expect(r.summary.hosts).toEqual({ fw: 6, unknown: 4 })
    expect(sourceReport(detect(lines), defaultSettings(), '10.77.0.1')!.hosts).toEqual({ fw: 6, unknown: 4 })
  })
})
