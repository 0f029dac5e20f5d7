import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, cli, cliJson, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

const { dir, cleanup } = tempDir()
afterAll(cleanup)

const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}
const scanLines = (from: number, n: number, time = 'Nov 22 10:00:00'): string => range(n, from).map((p) => tcpLine({ dport: p, time })).join('\n') + '\n'

const scan150 = file('scan150.log', scanLines(1000, 150))

describe('inputs', () => {
  test('a file, JSON schema v1', () => {
    const { run, report } = cliJson(['analyze', scan150, '--year', '2026'])
    expect(run.status).toBe(0)
    expect(report.schemaVersion).toBe(1)
    expect(report.generator.name).toBe('portsleuth')
    expect(report.summary).toMatchObject({ linesRead: 150, packets: 150, firstSeen: '2026-11-22T10:00:00.000Z' })
    expect(report.sources[0]).toMatchObject({ ip: '203.0.113.5', dangerLevel: 3, scanTypes: ['SYN'], nmapOptions: ['-sS'] })
    expect(report.sources[0].destinations[0]).toMatchObject({ ip: '192.0.2.1', packets: 150, tcpPorts: '1000-1149', udpPorts: null, protocols: 1 })
  })
  test('standard input, plain and gzip', () => {
    const plain = cliJson(['analyze', '-'], { input: scanLines(1000, 20) })
    expect(plain.report.summary.packets).toBe(20)
    const gz = cliJson(['analyze', '-'], { input: gzipSync(scanLines(1000, 20)) })
    expect(gz.report.summary.packets).toBe(20)
    expect(gz.report.inputs[0]).toMatchObject({ name: '-', gzip: true })
  })
  test('gzip is recognised by its magic bytes, not its name', () => {
    const disguised = file('looks-plain.log', gzipSync(scanLines(1000, 7)))
    const plainGz = file('not-really.gz', scanLines(1000, 8))
    const { report } = cliJson(['analyze', disguised, plainGz])
    expect(report.inputs.map((i: any) => [path.basename(i.name), i.gzip, i.lines])).toEqual([['looks-plain.log', true, 7], ['not-really.gz', false, 8]])
  })
  test('a rotated set is read oldest first whatever order the shell gave', () => {
    const rot = path.join(dir, 'rot')
    spawnSync('mkdir', ['-p', rot])
    writeFileSync(path.join(rot, 'kern.log'), scanLines(4000, 5, 'Nov 22 10:00:03'))
    writeFileSync(path.join(rot, 'kern.log.1'), scanLines(3000, 5, 'Nov 22 10:00:02'))
    writeFileSync(path.join(rot, 'kern.log.2.gz'), gzipSync(scanLines(2000, 5, 'Nov 22 10:00:01')))
    writeFileSync(path.join(rot, 'kern.log.3.gz'), gzipSync(scanLines(1000, 5, 'Nov 22 10:00:00')))
    const given = ['kern.log', 'kern.log.2.gz', 'kern.log.1', 'kern.log.3.gz'].map((f) => path.join(rot, f))
    const { report } = cliJson(['analyze', ...given, '--year', '2026'])
    expect(report.inputs.map((i: any) => path.basename(i.name))).toEqual(['kern.log.3.gz', 'kern.log.2.gz', 'kern.log.1', 'kern.log'])
    // A directory and a quoted glob give the same order.
    expect(cliJson(['analyze', rot]).report.inputs.map((i: any) => path.basename(i.name))).toEqual(['kern.log.3.gz', 'kern.log.2.gz', 'kern.log.1', 'kern.log'])
    expect(cliJson(['analyze', `${rot}/kern.log*`]).report.inputs.length).toBe(4)
  })
  test('RFC 3164 years come from the file time: a December log modified in January is last year', () => {
    const p = file('dec.log', scanLines(1000, 5, 'Dec 31 23:59:00'))
    utimesSync(p, new Date('2027-01-02T00:00:00Z'), new Date('2027-01-02T00:00:00Z'))
    expect(cliJson(['analyze', p]).report.summary.firstSeen).toBe('2026-12-31T23:59:00.000Z')
  })
  test('every line is counted exactly once, over-long lines included', () => {
    const p = file('mixed.log', [scanLines(1000, 3).trim(), 'Nov 22 10:00:00 fw sshd[1]: Accepted', 'x'.repeat(500), 'Nov 22 10:00:00 fw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=x WINDOW=1 RES=0x00 SYN URGP=0', ''].join('\n'))
    const { report } = cliJson(['analyze', p, '--max-line-length', '256'])
    const s = report.summary
    expect(s.skipped).toEqual({ 'not-firewall': 1, 'too-long': 1, malformed: 1 })
    expect(s.linesRead).toBe(s.packets + Object.values(s.skipped as Record<string, number>).reduce((a, b) => a + b, 0))
    expect(report.malformed[0].where).toBe(`${p}:6`)
  })
})

describe('exit codes', () => {
  test('missing input: the rest is reported, then exit 4 naming the file', () => {
    const r = cli(['analyze', scan150, path.join(dir, 'nope.log'), '--format', 'json'])
    expect(r.status).toBe(4)
    expect(JSON.parse(r.stdout).summary.packets).toBe(150)
    expect(r.stderr).toContain(`${path.join(dir, 'nope.log')}: no such file or directory`)
  })
  test('truncated gzip: what was read is reported, then exit 4 naming the file', () => {
    const whole = gzipSync(scanLines(1000, 2000))
    const p = file('cut.log.gz', whole.subarray(0, Math.floor(whole.length * 0.6)))
    const r = cli(['analyze', p, '--format', 'json'])
    expect(r.status).toBe(4)
    expect(r.stderr).toMatch(new RegExp(`${p.replace(/[.]/g, '\\.')}: gzip data truncated at byte ${Math.floor(whole.length * 0.6)} `))
    const report = JSON.parse(r.stdout)
    expect(report.summary.packets).toBeGreaterThan(500)
    expect(report.inputs[0].error).toMatch(/gzip data truncated/)
  })
  test('unreadable input is exit 4', () => {
    const p = file('secret.log', 'x\n')
    chmodSync(p, 0o000)
    // Root reads any file; without the two capabilities that let it, the mode applies to root too.
    // (Dropping to another user instead would fail when the checkout itself is not readable to it.)
    const r = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, BIN, 'analyze', p], { encoding: 'utf8' })
    if (r.error === undefined && !/setpriv: /.test(r.stderr)) {
      expect(r.status).toBe(4)
      expect(r.stderr).toContain('permission denied')
    }
  })
  test('--fail-on-dl: 1 when a source reaches the level, 0 otherwise', () => {
    expect(cli(['analyze', scan150, '--fail-on-dl', '3']).status).toBe(1)
    expect(cli(['analyze', scan150, '--fail-on-dl', '4']).status).toBe(0)
  })
  test('usage errors are exit 2', () => {
    const bad = cli(['analyze', scan150, '--fields', 'BOGUS:44'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("--fields: unknown field 'BOGUS'")
    expect(bad.stderr).toMatch(/valid fields are: .*DPT.*SRC/)
    expect(cli(['analyze', scan150, '--format', 'xml']).status).toBe(2)
    expect(cli(['analyze', scan150, '--no-such-flag']).status).toBe(2)
    expect(cli(['analyze', scan150, '--since', 'last tuesday']).stderr).toContain("--since: cannot read 'last tuesday'")
  })
  test('bad configuration or signature file is exit 3 naming file:line', () => {
    const conf = file('bad.conf', 'DANGER_LEVEL1 5;\nDANGER_LEVL2 15;\n')
    const r = cli(['analyze', scan150, '--config', conf])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${conf}:2: unknown configuration key 'DANGER_LEVL2'`)
    expect(r.stderr).toContain('did you mean DANGER_LEVEL2?')
    const sigs = file('bad.sig', 'alert tcp any any -> any 80 (msg:"ok"; sid:1;)\nalert tcp any any -> any 80 (msg:"bad" sid:2;)\n')
    const s = cli(['analyze', scan150, '--signatures', sigs])
    expect(s.status).toBe(3)
    expect(s.stderr).toContain(`${sigs}:2:`)
    expect(r.stdout).toBe('')
  })
  test('piping into head exits 0 quietly', () => {
    const big = file('big.log', scanLines(1000, 5000))
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" analyze "${big}" | head -3`], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout.split('\n').length).toBe(4)
  })
})

describe('default input', () => {
  test('with no FILE, the first readable system log is read', () => {
    const r = cliJson(['analyze'], { env: { PORTSLEUTH_SYSTEM_LOGS: `${path.join(dir, 'none')}:${scan150}` } })
    expect(r.report.inputs[0].name).toBe(scan150)
  })
  test('with no system log and no journalctl: exit 4 saying what it looked for', () => {
    const r = cli(['analyze'], { env: { PORTSLEUTH_SYSTEM_LOGS: '/nonexistent/kern.log:/nonexistent/messages', PORTSLEUTH_JOURNALCTL: '/nonexistent/journalctl' } })
    expect(r.status).toBe(4)
    expect(r.stderr).toContain('no kernel log found: looked for /nonexistent/kern.log, /nonexistent/messages and for /nonexistent/journalctl')
  })
})

describe('text report', () => {
  test('colour only when asked for (FORCE_COLOR) and never with NO_COLOR or into a file', () => {
    const esc = /\u001b\[/
    expect(cli(['analyze', scan150], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toMatch(esc)
    expect(cli(['analyze', scan150], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout).not.toMatch(esc)
    expect(cli(['analyze', scan150], { env: { NO_COLOR: '' } }).stdout).not.toMatch(esc)
    const txt = path.join(dir, 'coloured.txt')
    cli(['analyze', scan150, '-o', txt], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })
    expect(readFileSync(txt, 'utf8')).not.toMatch(esc)
  })
  test('control characters from the log are shown escaped and lines fit 80 columns', () => {
    const hostile = tcpLine({ dport: 1, prefix: 'EVIL\u001b[2J\u202eX ' })
    const p = file('hostile.log', `${[hostile, ...range(10, 2).map((d) => tcpLine({ dport: d, prefix: 'EVIL\u001b[2J\u202eX ' }))].join('\n')}\n`)
    const r = cli(['analyze', p])
    expect(r.status).toBe(0)
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/)
    expect(r.stdout).toContain('EVIL\\x1b[2J\\u{202e}X')
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
  })
})
