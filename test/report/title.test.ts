import { describe, expect, test } from 'vitest'
import { renderHtml } from '../../src/report/html.js'
import { renderText } from '../../src/report/text.js'
import { hostsText, periodText, reportTitle } from '../../src/report/title.js'
import { analyzeLines, range, tcpLine } from '../helpers/lines.js'

// A report names what it is about: the firewall(s) whose syslog lines it read and the period asked
// for, in its title, its text header and (mail.test.ts) the mail subject. TZ=UTC in the tests.

const withHost = (host: string, n: number, from: number, time: string): string[] =>
  range(n, from).map((p) => tcpLine({ dport: p, time }).replace(' fw kernel: ', ` ${host} kernel: `))

const report = analyzeLines([...withHost('fw1', 30, 1000, 'Nov 22 10:00:00'), ...withHost('gw', 10, 2000, 'Nov 22 10:39:00'), ...withHost('edge', 5, 3000, 'Nov 22 10:20:00')])

describe('what a report is about', () => {
  test('its syslog hosts, most lines first', () => {
    expect(hostsText(report)).toBe('fw1, gw +1 more')
    expect(hostsText({ ...report, summary: { ...report.summary, hosts: {} } })).toBe('')
  })

  test('its period: the window asked for, else the span of its lines', () => {
    const now = Date.parse('2026-11-23T12:00:00Z')
    expect(periodText(report, now)).toBe('2026-11-22 10:00..10:39')
    expect(periodText({ ...report, window: { since: '2026-11-21T00:00:00.000Z', until: '2026-11-22T00:00:00.000Z' } }, now)).toBe('2026-11-21')
    expect(periodText({ ...report, window: { since: '2026-11-22T06:00:00.000Z', until: null } }, now)).toBe('2026-11-22 06:00..2026-11-23 12:00')
  })

  test('the HTML title and heading name them, not the machine the report ran on', () => {
    const html = renderHtml(report, { generatedAt: '2026-11-23T12:00:00Z' })
    expect(html).toContain('<title>portsleuth report: fw1, gw +1 more, 2026-11-22 10:00..10:39</title>')
    expect(html).toContain('<h1>portsleuth report: fw1, gw +1 more, 2026-11-22 10:00..10:39</h1>')
    expect(reportTitle({ ...report, summary: { ...report.summary, hosts: {}, firstSeen: null, lastSeen: null } }, 0)).toBe('portsleuth report')
  })

  test('the text report names them in its header, with the window asked for', () => {
    const text = renderText({ ...report, window: { since: '2026-11-21T00:00:00.000Z', until: '2026-11-22T00:00:00.000Z' } }, { top: 20 })
    const head = text.split('\n').slice(0, 4)
    expect(head[1]).toBe('firewall (syslog host): fw1, gw +1 more')
    expect(head[2]).toBe('window asked for: 2026-11-21 00:00:00Z .. 2026-11-22 00:00:00Z')
  })
})
