import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { generateCorpus } from '../../bench/corpus.js'
import { cli, tempDir } from '../helpers/cli.js'

// A day of internet noise: 12,000 sources over 24 hours, most of them sending a packet or two that
// matches a signature (DL 2 in psad's model), among a few dozen real scans. The text report must lead
// with what matters, fold the rest, and stay readable; the JSON keeps every source.

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const log = path.join(dir, 'noisy-day.log')
let report: any
let text = ''

beforeAll(() => {
  writeFileSync(log, `${generateCorpus({ lines: 80_000, seed: 3, hours: 24, start: '2026-11-21T00:00:00Z', sources: 12_000 }).join('\n')}\n`)
  const r = cli(['analyze', log, '--year', '2026', '-o', path.join(dir, 'r.json'), '-o', path.join(dir, 'r.txt')])
  expect(r.status).toBe(0)
  report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'))
  text = readFileSync(path.join(dir, 'r.txt'), 'utf8')
}, 120_000)

const attackers = (): string[] => report.sources.filter((s: any) => s.dangerLevel >= 3).map((s: any) => s.ip)
const noise = (): any[] => report.sources.filter((s: any) => s.dangerLevel < 3 && s.scanTypes.length === 0)

describe('a noisy day', () => {
  test('is noisy: hundreds of sources with a few packets and no scan, a few dozen at DL 3+', () => {
    expect(noise().filter((s) => s.packets <= 4).length).toBeGreaterThan(1000)
    expect(attackers().length).toBeGreaterThan(20)
  })

  test('the JSON report keeps every source', () => {
    const levels = Object.values(report.summary.dangerLevels as Record<string, number>).reduce((a, b) => a + b, 0)
    expect(report.sources.length).toBe(levels)
  })

  test('the default text report fits in about 200 lines of 80 columns', () => {
    const lines = text.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(210)
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80)
  })

  test('it leads with the DL 3+ sources: the top 20, then how many more', () => {
    const top = text.split('[+] Top attackers:\n')[1]!.split('\n\n')[0]!
    const named = [...top.matchAll(/^ {4}(\S+) +DL (\d)/gm)].map((m) => [m[1], Number(m[2])])
    expect(named).toHaveLength(20)
    expect(named.map(([ip]) => ip)).toEqual(attackers().slice(0, 20))
    expect(top).toContain(`... and ${attackers().length - 20} more at DL 3 or above`)
    expect(text.indexOf('[+] Top attackers:')).toBeLessThan(text.indexOf('[+] Noise, folded:'))
  })

  test('with --top at least their number, every DL 3+ source is named', () => {
    const more = cli(['analyze', log, '--year', '2026', '--top', '40']).stdout
    const top = more.split('[+] Top attackers:\n')[1]!.split('\n\n')[0]!
    for (const ip of attackers()) expect(top).toMatch(new RegExp(`^ {4}${ip.replace(/\./g, '\\.')} `, 'm'))
    expect(top).not.toContain('more at DL 3 or above')
  })

  test('the noise is folded into groups that account for every noise source', () => {
    const folded = text.split('[+] Noise, folded:\n')[1]!.split('\n\n')[0]!.replace(/\n {8}/g, ' ')
    expect(folded).toContain(`${noise().length} sources at DL 1-2 without a scan type`)
    const groups = [...folded.matchAll(/^ {4}(\d+) sources?\b.*?, DL (\d): (.*)$/gm)]
    const rest = /\.\.\. and \d+ more groups? of (\d+) sources?/.exec(folded)
    const total = groups.reduce((n, m) => n + Number(m[1]), 0) + (rest === null ? 0 : Number(rest[1]))
    expect(total).toBe(noise().length)
    // The largest group names its reason, not its hundreds of members.
    const ping = noise().filter((s) => s.signatures[0]?.msg === 'ICMP PING' && s.dangerLevel === 2)
    expect(folded).toMatch(new RegExp(`^ {4}${ping.length} sources, 1-\\d+ packets each, DL 2: ICMP PING$`, 'm'))
    for (const s of ping.slice(0, 50)) expect(text).not.toContain(s.ip)
  })
})
