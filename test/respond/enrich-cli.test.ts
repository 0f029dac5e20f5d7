import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, tempDir } from '../helpers/cli.js'
import { DnsServer } from '../helpers/dns-server.js'
import { WhoisServer } from '../helpers/whois-server.js'

// `portsleuth analyze|report --dns --whois` end to end, against a real DNS server (UDP) and a real
// whois server (TCP) on 127.0.0.1. The CLI is spawned asynchronously: spawnSync would block the event
// loop these servers answer from. Nothing leaves loopback: every run names both servers.

const SAMPLE = path.join(ROOT, 'test/fixtures/captures/sample.log')
const { dir, cleanup } = tempDir()

interface Run {
  status: number | null
  stdout: string
  stderr: string
  ms: number
}

function run(args: string[]): Promise<Run> {
  const started = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started })))
}

const ARIN_LIKE = (q: string): string =>
  `#\r\n# ARIN WHOIS data\r\n#\r\n\r\nNetRange:       10.0.0.0 - 10.255.255.255\r\nCIDR:           10.0.0.0/8\r\nNetName:        PRIVATE-ADDRESS-ABLK-RFC1918-IANA-RESERVED\r\nOrgName:        Internet Assigned Numbers Authority\r\nCountry:        US\r\nOrgAbuseEmail:  abuse@iana.example\r\nComment:        asked for ${q}\r\n`
const HOSTILE = 'netname: EVIL<img src=x onerror=alert(1)>\x1b[2J\x1b[31m\r\ndescr: \x1b]0;owned\x07\u202eevil\x1b[0m\x07\r\ncountry: XX\r\n'

let dns: DnsServer
let whois: WhoisServer
let hostile: WhoisServer
let deadDns: DnsServer
let deadWhois: WhoisServer
beforeAll(async () => {
  dns = await DnsServer.start({ names: { '10.77.0.1': 'scanner-1.example.test', '10.77.0.4': 'masscan.example.test', 'fd77::1': 'scanner-6.example.test' } })
  whois = await WhoisServer.start(ARIN_LIKE)
  hostile = await WhoisServer.start(() => HOSTILE)
  deadDns = await DnsServer.start({ silent: true })
  deadWhois = await WhoisServer.start(() => null)
})
afterAll(async () => {
  await Promise.all([dns.close(), whois.close(), hostile.close(), deadDns.close(), deadWhois.close()])
  cleanup()
})

const enrichment = (report: any): Record<string, any> => Object.fromEntries(report.sources.map((s: any) => [s.ip, s.enrichment]))

describe('analyze --dns --whois', () => {
  test('PTR names and whois text land in sources[].enrichment (JSON)', async () => {
    const r = await run(['analyze', SAMPLE, '--dns', '--whois', '--enrich-min-dl', '1', '--dns-server', dns.address, '--whois-server', whois.address, '--format', 'json'])
    expect(r.status).toBe(0)
    const e = enrichment(JSON.parse(r.stdout))
    expect(e['10.77.0.1']).toEqual({ dns: 'scanner-1.example.test', whois: expect.stringContaining('NetName:        PRIVATE-ADDRESS-ABLK-RFC1918-IANA-RESERVED\nOrgName:') })
    expect(e['10.77.0.1'].whois).toContain('Comment:        asked for 10.77.0.1')
    expect(e['10.77.0.3']).toEqual({ dns: null, whois: expect.stringContaining('asked for 10.77.0.3') }) // NXDOMAIN
    expect(e['fd77::1']).toEqual({ dns: 'scanner-6.example.test', whois: expect.stringContaining('asked for fd77::1') })
    expect(r.stderr).toContain('portsleuth: reverse DNS and whois of 4 source(s) at DL 1+: 8 lookup(s), none failed')
  })
  test('by default only DL 3+ sources are looked up', async () => {
    const before = whois.queries.length
    const r = await run(['analyze', SAMPLE, '--whois', '--whois-server', whois.address, '--format', 'json'])
    const e = enrichment(JSON.parse(r.stdout))
    expect(e['10.77.0.1']).toEqual({ dns: null, whois: expect.stringContaining('asked for 10.77.0.1') })
    expect(e['10.77.0.3']).toBeUndefined()
    expect(whois.queries.slice(before)).toEqual(['10.77.0.1'])
  })
  test('--enrich-max keeps the worst sources', async () => {
    const r = await run(['analyze', SAMPLE, '--dns', '--enrich-min-dl', '1', '--enrich-max', '2', '--dns-server', dns.address, '--format', 'json'])
    expect(Object.entries(enrichment(JSON.parse(r.stdout))).filter(([, v]) => v !== undefined).map(([ip]) => ip)).toEqual(['10.77.0.1', '10.77.0.3'])
    expect(r.stderr).toContain('2 more left out by --enrich-max 2')
  })
  test('the text report shows DNS and the key whois lines', async () => {
    const r = await run(['analyze', SAMPLE, '--dns', '--whois', '--dns-server', dns.address, '--whois-server', whois.address])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(
      [
        'SRC 10.77.0.1  DL 3  packets 302  destinations 1',
        '    seen 2026-11-22 08:29:35Z .. 2026-11-22 08:29:40Z',
        '    DNS: scanner-1.example.test',
        '    whois: NetName: PRIVATE-ADDRESS-ABLK-RFC1918-IANA-RESERVED',
        '           OrgName: Internet Assigned Numbers Authority',
        '           Country: US',
        '           OrgAbuseEmail: abuse@iana.example',
        '           NetRange: 10.0.0.0 - 10.255.255.255',
        '    scan types:',
      ].join('\n'),
    )
  })
  test('servers that never answer: nulls, a finding per lookup, exit 0 within the timeout', async () => {
    const r = await run(['analyze', SAMPLE, '--dns', '--whois', '--enrich-min-dl', '1', '--enrich-timeout', '1', '--dns-server', deadDns.address, '--whois-server', deadWhois.address, '--format', 'json'])
    expect(r.status).toBe(0)
    // 8 lookups, 4 at a time, 1 s each: about 2 s of lookups on top of start-up.
    expect(r.ms).toBeLessThan(10_000)
    const report = JSON.parse(r.stdout)
    expect(Object.values(enrichment(report))).toEqual(Array(4).fill({ dns: null, whois: null }))
    expect(report.sources[0].findings).toEqual([
      { kind: 'enrichment', message: 'reverse DNS lookup failed: timed out after 1 s' },
      { kind: 'enrichment', message: 'whois lookup failed: timed out after 1 s' },
    ])
    expect(r.stderr).toContain('8 lookup(s), 8 failed')
    expect(deadDns.queries.length).toBeGreaterThanOrEqual(4)
    expect(deadWhois.connections).toBe(4)
  })
  test('a hostile whois answer stays inert in text, JSON and HTML', async () => {
    const html = path.join(dir, 'hostile.html')
    const json = path.join(dir, 'hostile.json')
    const r = await run(['analyze', SAMPLE, '--whois', '--whois-server', hostile.address, '-o', html, '-o', json, '-o', '-'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('    whois: netname: EVIL<img src=x onerror=alert(1)>\n           descr: evil\n           country: XX\n')
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    expect(report.sources[0].enrichment.whois).toBe('netname: EVIL<img src=x onerror=alert(1)>\ndescr: evil\ncountry: XX')
    const page = readFileSync(html, 'utf8')
    expect(page).not.toContain('<img src=x')
    expect(page).not.toContain('\x1b')
  })
  test('report --whois enriches what it writes too', async () => {
    const r = await run(['report', SAMPLE, '--whois', '--whois-server', whois.address, '--format', 'json'])
    expect(r.status).toBe(0)
    expect(enrichment(JSON.parse(r.stdout))['10.77.0.1'].whois).toContain('asked for 10.77.0.1')
  })
})

describe('off by default', () => {
  test('no flag, no lookup, no enrichment field', async () => {
    const before = dns.queries.length + whois.queries.length
    const r = await run(['analyze', SAMPLE, '--format', 'json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).sources.every((s: any) => !('enrichment' in s))).toBe(true)
    expect(dns.queries.length + whois.queries.length).toBe(before)
    expect(r.stderr).not.toContain('lookup')
  })
  test('a bad server is a usage error before anything is read', async () => {
    const r = await run(['analyze', SAMPLE, '--dns', '--dns-server', 'resolver.example'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("--dns-server: 'resolver.example' is not an IP address")
  })
})
