import { describe, expect, test } from 'vitest'
import { colourWanted, stripColour } from '../../src/report/colour.js'

/** The number of columns text occupies on a terminal (SGR sequences take none). */
const visibleWidth = (text: string): number => [...stripColour(text)].length
import type { ReportV1 } from '../../src/report/model.js'
import { renderText } from '../../src/report/text.js'
import { syntheticReport } from '../helpers/synthetic-report.js'

const ESC = '\u001b'
const SPAN = /\u001b\[([0-9;]+)m(.*?)\u001b\[0m/g

/** A report whose log-derived strings carry terminal escapes (log prefixes, signature text, errors). */
function hostile(): ReportV1 {
  const r = syntheticReport(40)
  const evil = `${ESC}[0m${ESC}[31mDROP${ESC}]0;pwned${'\u0007'}\u202e`
  r.summary.logPrefixes = { [evil]: 3, ...r.summary.logPrefixes }
  r.topSignatures[0]!.msg = `SCAN ${ESC}[1mXMAS${ESC}[0m`
  r.sources[0]!.logPrefixes = { [evil]: 3 }
  r.sources[0]!.findings = [{ kind: 'note', message: `${ESC}[2J${ESC}[H cleared` }]
  r.malformed = [{ where: `kern.log:1${ESC}[0m`, error: `bad ${ESC}[33mfield` }]
  r.inputs[0]!.error = `${ESC}[5mblink`
  return r
}

describe('when to colour', () => {
  test('a terminal gets colour; pipes and files do not', () => {
    expect(colourWanted({ isTTY: true, env: {} })).toBe(true)
    expect(colourWanted({ isTTY: false, env: {} })).toBe(false)
    expect(colourWanted({ isTTY: undefined, env: {} })).toBe(false)
    expect(colourWanted({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false)
  })
  test('NO_COLOR with any non-empty value turns it off, even with FORCE_COLOR; empty NO_COLOR is ignored', () => {
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false)
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: 'no' } })).toBe(false)
    expect(colourWanted({ isTTY: false, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false)
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true)
  })
  test('FORCE_COLOR forces it on (tests), FORCE_COLOR=0 off', () => {
    expect(colourWanted({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true)
    expect(colourWanted({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false)
    expect(colourWanted({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(false)
    expect(colourWanted({ isTTY: false, env: { FORCE_COLOR: '' } })).toBe(false)
  })
})

describe('the coloured text report', () => {
  const report = hostile()
  const plain = renderText(report, { top: 20 })
  const coloured = renderText(report, { top: 20, colour: true })

  test('is the plain report plus SGR sequences, and nothing else', () => {
    expect(coloured).not.toBe(plain)
    expect(stripColour(coloured)).toBe(plain)
    expect(renderText(report, { top: 20, colour: false })).toBe(plain)
  })
  test('keeps the 80-column layout measured by visible width', () => {
    const lines = coloured.split('\n')
    expect(lines.filter((l) => l.includes(ESC)).length).toBeGreaterThan(10)
    expect(lines.map(visibleWidth)).toEqual(plain.split('\n').map((l) => l.length))
    for (const line of lines.filter((l) => l.includes(ESC))) expect(visibleWidth(line), line).toBeLessThanOrEqual(80)
  })
  test('paints only our own tokens, each span closed on its own line', () => {
    const painted = [...coloured.matchAll(SPAN)].map((m) => m[2]!)
    const ours = /^(DL [1-5]|DL[1-5]: \d+|(Danger levels \(sources\)|Top signature matches|Top attackers|Noise, folded|Top scanned ports|Log prefixes|Protocols|Syslog hosts|Outbound traffic|Malformed lines \(first ones\)|Source detail):)$/
    expect(painted.length).toBeGreaterThan(20)
    for (const p of painted) expect(p).toMatch(ours)
    for (const line of coloured.split('\n')) expect(line.replace(SPAN, '$2')).not.toContain(ESC)
  })
  test('log-derived escapes stay visible text, never live escapes', () => {
    expect(stripColour(coloured)).not.toContain(ESC)
    expect(coloured).toContain('\\x1b[31mDROP\\x1b]0;pwned\\x07\\u{202e}')
    expect(coloured).toContain('\\x1b[2J\\x1b[H cleared')
  })
  test('danger levels get their colours; zero counts stay plain', () => {
    const top = report.sources[0]!
    expect(coloured).toContain(`SRC ${top.ip}  ${ESC}[1;31mDL 5${ESC}[0m  packets`)
    expect(coloured).toContain(`[+] ${ESC}[1mTop attackers:${ESC}[0m`)
    const zero = renderText({ ...report, summary: { ...report.summary, dangerLevels: { ...report.summary.dangerLevels, '4': 0 } } }, { top: 20, colour: true })
    expect(zero).toContain('  DL4: 0  ')
  })
})
