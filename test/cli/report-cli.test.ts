import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { cli, cliJson, ROOT, tempDir } from '../helpers/cli.js'
import { tcpLine } from '../helpers/lines.js'

// `portsleuth report` without a mail server: the same analysis as `analyze`, the daily window of
// --since yesterday, and mail settings that fail before any log is read. Delivery itself is tested
// against a real SMTP server in report-mail.slow.test.ts.

const SAMPLE = path.join(ROOT, 'test/fixtures/captures/sample.log')
const { dir, cleanup } = tempDir()
afterAll(cleanup)
// Every test spawns the CLI a few times.
vi.setConfig({ testTimeout: 60_000 })

describe('report like analyze', () => {
  test('same text report on stdout as analyze when nothing is mailed', () => {
    const report = cli(['report', SAMPLE])
    expect(report.status).toBe(0)
    expect(report.stdout).toBe(cli(['analyze', SAMPLE]).stdout)
  })
  test('--format html -o FILE writes the HTML report', () => {
    const out = path.join(dir, 'day.html')
    const r = cli(['report', SAMPLE, '--format', 'html', '-o', out])
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', ''])
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>[\s\S]*10\.77\.0\.1[\s\S]*<\/html>\s*$/i)
  })
})

describe('--since yesterday is the previous local calendar day', () => {
  let log = ''
  beforeAll(async () => {
    // The CLI reads the clock itself; stay clear of midnight so both sides agree on "today".
    const toMidnight = 86_400_000 - (Date.now() % 86_400_000)
    if (toMidnight < 15_000) await sleep(toMidnight + 1000)
    const today = Date.now() - (Date.now() % 86_400_000) // TZ=UTC in the spawned CLI
    // Six ports per source: enough for danger level 1, so each source is listed.
    const at = (ms: number, src: string): string =>
      [21, 22, 23, 25, 80, 443].map((dport) => tcpLine({ time: new Date(ms).toISOString().replace('.000Z', '+00:00'), src, dport })).join('\n')
    log = path.join(dir, 'days.log')
    writeFileSync(log, [
      at(today - 86_400_000 - 1000, '198.51.100.1'), // the day before yesterday
      at(today - 86_400_000, '198.51.100.2'), // yesterday 00:00:00
      at(today - 1000, '198.51.100.3'), // yesterday 23:59:59
      at(today, '198.51.100.4'), // today 00:00:00
    ].join('\n') + '\n')
  })
  const sources = (args: string[]): string[] => cliJson(args).report.sources.map((s: { ip: string }) => s.ip).sort()

  test('report: until today 00:00', () => {
    expect(sources(['report', log, '--since', 'yesterday'])).toEqual(['198.51.100.2', '198.51.100.3'])
  })
  test('analyze too: one rule for both commands', () => {
    expect(sources(['analyze', log, '--since', 'yesterday'])).toEqual(['198.51.100.2', '198.51.100.3'])
  })
  test('an explicit --until wins', () => {
    expect(sources(['report', log, '--since', 'yesterday', '--until', 'now'])).toEqual(['198.51.100.2', '198.51.100.3', '198.51.100.4'])
    expect(sources(['analyze', log, '--since', 'yesterday', '--until', 'now'])).toEqual(['198.51.100.2', '198.51.100.3', '198.51.100.4'])
  })
  test('the report records the window asked for', () => {
    const { report } = cliJson(['analyze', log, '--since', 'yesterday'])
    const today = new Date()
    today.setUTCHours(0, 0, 0, 0)
    expect(report.window).toEqual({ since: new Date(today.getTime() - 86_400_000).toISOString(), until: today.toISOString() })
    expect(cliJson(['analyze', log]).report.window).toBeUndefined()
  })
  test('other --since values run until now', () => {
    expect(sources(['report', log, '--since', 'today'])).toEqual(['198.51.100.4'])
    expect(sources(['report', log, '--since', '3d'])).toHaveLength(4)
  })
})

describe('mail settings fail before the logs are read', () => {
  // A missing input would be exit 4 after the run: these must stop first.
  const missing = path.join(dir, 'does-not-exist.log')
  test.each([
    [['--mail', 'admin'], 2, "--mail: 'admin' is not a mail address"],
    [['--mail', 'a@example.org', '--smtp-user', 'fw'], 2, '--smtp-user needs a password'],
    [['--mail', 'a@example.org', '--smtp-user', 'fw', '--smtp-password-file', path.join(dir, 'nope')], 3, 'cannot read --smtp-password-file'],
    [['--mail', 'a@example.org', '--smtp-host', 'mail.example.org', '--smtp-user', 'fw', '--smtp-password-file', SAMPLE], 2, 'without TLS'],
    [['--mail', 'a@example.org', '--smtp-tls', 'ssl'], 2, 'smtp-tls'],
    [['--mail', 'a@example.org', '--smtp-password', 'secret'], 2, 'smtp-password'],
  ])('%j → exit %i', (args, status, message) => {
    const r = cli(['report', missing, ...args], { env: { PORTSLEUTH_SMTP_PASSWORD: '' } })
    expect(r.status).toBe(status)
    expect(r.stderr).toContain(message)
    expect(r.stderr).not.toContain('does-not-exist')
  })
})

describe('text report options (analyze and report)', () => {
  test('--top limits the top tables, --min-dl the listed sources', () => {
    const top = cli(['analyze', SAMPLE, '--top', '2']).stdout
    const attackers = top.split('[+] Top attackers:\n')[1]!.split('\n\n')[0]!.split('\n').filter((l) => /^ {4}\d/.test(l))
    expect(attackers).toEqual([expect.stringMatching(/^ {4}10\.77\.0\.1 +DL 3 /), expect.stringMatching(/^ {4}10\.77\.0\.3 +DL 2 /)])
    expect(top.split('[+] Top scanned ports:\n')[1]!.split('\n\n')[0]!.split('\n')).toHaveLength(2)
    const min = cli(['report', SAMPLE, '--min-dl', '3']).stdout
    expect(min.match(/^SRC \S+/gm)).toEqual(['SRC 10.77.0.1'])
  })
  test('no colour and no progress in pipes, even with --progress and without NO_COLOR', () => {
    for (const cmd of ['analyze', 'report']) {
      const r = cli([cmd, SAMPLE, '--progress'], { env: { NO_COLOR: '' } })
      expect([r.status, r.stderr]).toEqual([0, ''])
      expect(r.stdout).not.toContain('\u001b')
    }
  })
})
