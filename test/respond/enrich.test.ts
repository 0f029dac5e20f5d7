import { describe, expect, test } from 'vitest'
import type { ReportV1 } from '../../src/report/model.js'
import { renderText } from '../../src/report/text.js'
import { enrichReport, selectSources, summaryLine, withTimeout, type EnrichCache, type EnrichLookups, type EnrichOptions } from '../../src/respond/enrich.js'
import { networkEnricher } from '../../src/respond/enrich-net.js'
import { syntheticReport } from '../helpers/synthetic-report.js'

// The enrichment function with in-memory lookups: selection, caching, failures and timeouts.

interface Fake extends EnrichLookups {
  calls: string[]
  inFlight: number
  maxInFlight: number
}

/** Lookups that answer from tables after `delayMs`; an address missing from a table fails, 'hang' never settles. */
function fake(ptr: Record<string, string | null | 'hang'>, whois: Record<string, string | 'hang'>, delayMs = 1): Fake {
  const f: Fake = {
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    reverse: (ip) => run(`dns ${ip}`, ptr[ip]),
    whois: (ip) => run(`whois ${ip}`, whois[ip]) as Promise<string>,
  }
  async function run(call: string, v: string | null | undefined): Promise<string | null> {
    f.calls.push(call)
    if (v === 'hang') return new Promise(() => {})
    f.inFlight++
    f.maxInFlight = Math.max(f.maxInFlight, f.inFlight)
    await new Promise((r) => setTimeout(r, delayMs))
    f.inFlight--
    if (v === undefined) throw new Error('connection refused by 127.0.0.1:43')
    return v
  }
  return f
}

function report(levels: [string, number][]): ReportV1 {
  const base = syntheticReport(levels.length, 7)
  return {
    ...base,
    sources: levels.map(([ip, dangerLevel], i) => {
      const { enrichment: _, ...plain } = base.sources[i]!
      return { ...plain, ip, dangerLevel, findings: [] }
    }),
  }
}

const both: EnrichOptions = { dns: true, whois: true, minDangerLevel: 1, max: 50, timeoutMs: 1000 }

describe('selection', () => {
  const r = report([['198.51.100.1', 2], ['198.51.100.2', 5], ['198.51.100.3', 3], ['198.51.100.4', 5], ['198.51.100.5', 1]])
  test('at or above the danger level, worst first, report order within a level', () => {
    expect(selectSources(r.sources, 3, 50).map((s) => s.ip)).toEqual(['198.51.100.2', '198.51.100.4', '198.51.100.3'])
  })
  test('cut to max', () => {
    expect(selectSources(r.sources, 1, 2).map((s) => s.ip)).toEqual(['198.51.100.2', '198.51.100.4'])
  })
  test('only selected sources are looked up and get an enrichment; the others are left as they were', async () => {
    const lookups = fake({ '198.51.100.2': 'two.example.net', '198.51.100.4': null }, { '198.51.100.2': 'netname: TWO', '198.51.100.4': 'netname: FOUR' })
    const { report: out, summary } = await enrichReport(r, lookups, { ...both, minDangerLevel: 4 })
    expect(lookups.calls.sort()).toEqual(['dns 198.51.100.2', 'dns 198.51.100.4', 'whois 198.51.100.2', 'whois 198.51.100.4'])
    expect(out.sources.map((s) => s.enrichment)).toEqual([
      undefined,
      { dns: 'two.example.net', whois: 'netname: TWO' },
      undefined,
      { dns: null, whois: 'netname: FOUR' }, // no PTR is an answer, not a failure
      undefined,
    ])
    expect(out.sources[1]!.findings).toEqual([])
    expect(summary).toEqual({ eligible: 2, enriched: 2, lookups: 4, cached: 0, failed: 0 })
    expect(r.sources.every((s) => s.enrichment === undefined)).toBe(true) // the input report is not changed
  })
  test('only what was asked for: --dns alone leaves whois null and sends no whois query', async () => {
    const lookups = fake({ '198.51.100.2': 'two.example.net', '198.51.100.4': 'four.example.net' }, {})
    const { report: out } = await enrichReport(r, lookups, { ...both, whois: false, max: 2 })
    expect(lookups.calls.every((c) => c.startsWith('dns '))).toBe(true)
    expect(out.sources[1]!.enrichment).toEqual({ dns: 'two.example.net', whois: null })
  })
  test('the summary says how many were left out by --enrich-max', async () => {
    const { summary } = await enrichReport(r, fake({}, {}), { ...both, dns: true, whois: false, max: 1, minDangerLevel: 3 })
    expect(summary).toMatchObject({ eligible: 3, enriched: 1 })
    expect(summaryLine(summary, { dns: true, whois: false, minDangerLevel: 3, max: 1 })).toBe(
      "reverse DNS of 1 source(s) at DL 3+, 2 more left out by --enrich-max 1: 1 lookup(s), 1 failed (see the sources' enrichment findings)",
    )
  })
})

describe('failures and timeouts', () => {
  test('a failed lookup gives null and a finding on that source; the others are unaffected', async () => {
    const r = report([['198.51.100.1', 3], ['198.51.100.2', 3]])
    const { report: out, summary } = await enrichReport(r, fake({ '198.51.100.1': 'one.example.net', '198.51.100.2': 'two.example.net' }, { '198.51.100.1': 'netname: ONE' }), both)
    expect(out.sources[0]!.enrichment).toEqual({ dns: 'one.example.net', whois: 'netname: ONE' })
    expect(out.sources[1]!.enrichment).toEqual({ dns: 'two.example.net', whois: null })
    expect(out.sources[1]!.findings).toEqual([{ kind: 'enrichment', message: 'whois lookup failed: connection refused by 127.0.0.1:43' }])
    expect(summary.failed).toBe(1)
  })
  test('a lookup that never answers times out as null, and the run goes on', async () => {
    const r = report([['198.51.100.1', 3], ['198.51.100.2', 3]])
    const started = Date.now()
    const { report: out, summary } = await enrichReport(r, fake({ '198.51.100.1': 'hang', '198.51.100.2': 'two.example.net' }, { '198.51.100.1': 'hang', '198.51.100.2': 'netname: TWO' }), { ...both, timeoutMs: 50 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(out.sources[0]!.enrichment).toEqual({ dns: null, whois: null })
    expect(out.sources[0]!.findings.map((f) => f.message)).toEqual(['reverse DNS lookup failed: timed out after 50 ms', 'whois lookup failed: timed out after 50 ms'])
    expect(out.sources[1]!.enrichment).toEqual({ dns: 'two.example.net', whois: 'netname: TWO' })
    expect(summary.failed).toBe(2)
  })
  test('the timeout aborts the signal the lookup was given', async () => {
    let reason: unknown = null
    await expect(withTimeout((signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject((reason = signal.reason)))), 20)).rejects.toThrow('timed out after 20 ms')
    expect(String(reason)).toMatch(/timed out/)
  })
  test('an empty whois answer is a failure; an error message is made one safe line', async () => {
    const r = report([['198.51.100.1', 3]])
    const lookups: EnrichLookups = { reverse: async () => { throw new Error('bad\x1b[2J\nthing') }, whois: async () => '\r\n  \r\n' }
    const { report: out } = await enrichReport(r, lookups, both)
    expect(out.sources[0]!.findings.map((f) => f.message)).toEqual(['reverse DNS lookup failed: bad thing', 'whois lookup failed: empty answer'])
  })
})

describe('concurrency and cache', () => {
  test('at most `concurrency` lookups in flight', async () => {
    const r = report(Array.from({ length: 40 }, (_, i): [string, number] => [`198.51.100.${i}`, 3]))
    const ips = r.sources.map((s) => s.ip)
    const lookups = fake(Object.fromEntries(ips.map((ip) => [ip, `h-${ip}.example.net`])), Object.fromEntries(ips.map((ip) => [ip, `netname: N-${ip}`])), 5)
    const { summary } = await enrichReport(r, lookups, { ...both, concurrency: 3 })
    expect(lookups.maxInFlight).toBe(3)
    expect(summary.lookups).toBe(80)
  })
  test('a shared cache answers repeated addresses once, failures included', async () => {
    const r = report([['198.51.100.1', 3], ['198.51.100.2', 3]])
    const lookups = fake({ '198.51.100.1': 'one.example.net' }, { '198.51.100.1': 'netname: ONE' })
    const cache: EnrichCache = new Map()
    await enrichReport(r, lookups, { ...both, cache })
    const second = await enrichReport(r, lookups, { ...both, cache })
    expect(lookups.calls.length).toBe(4)
    expect(second.summary).toMatchObject({ lookups: 0, cached: 4, failed: 2 })
    expect(second.report.sources[1]!.findings.map((f) => f.kind)).toEqual(['enrichment', 'enrichment'])
  })
  test('the same address twice in one report is looked up once', async () => {
    const r = report([['198.51.100.1', 3], ['198.51.100.1', 3]])
    const lookups = fake({ '198.51.100.1': 'one.example.net' }, { '198.51.100.1': 'netname: ONE' })
    await enrichReport(r, lookups, both)
    expect(lookups.calls.sort()).toEqual(['dns 198.51.100.1', 'whois 198.51.100.1'])
  })
})

describe('hostile answers', () => {
  const hostile = 'netname: EVIL\x1b[31m<img src=x onerror=alert(1)>\x1b[0m\x07\r\ndescr: \u202eesrever\x1b]0;pwned\x07\r\ncountry: RU\r\n' + 'remarks: x\r\n'.repeat(5000)
  test('whois is stripped of escapes and controls and capped; text output stays inert', async () => {
    const r = report([['198.51.100.1', 3]])
    const lookups: EnrichLookups = { reverse: async () => 'evil\x1b[2J.example.net.', whois: async () => hostile }
    const { report: out } = await enrichReport(r, lookups, both)
    const e = out.sources[0]!.enrichment!
    expect(e.dns).toBe('evil.example.net')
    expect(e.whois!.startsWith('netname: EVIL<img src=x onerror=alert(1)>\ndescr: esrever\ncountry: RU\n')).toBe(true)
    expect(e.whois!.length).toBeLessThan(16_384 + 200)
    expect(e.whois).toMatch(/\[portsleuth: whois answer cut at 16384 characters, \d+ more not kept\]$/)
    const text = renderText(out, { top: 5 })
    expect(text).toContain('    DNS: evil.example.net\n    whois: netname: EVIL<img src=x onerror=alert(1)>\n           descr: esrever\n           country: RU\n')
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/)
  })
})

describe('networkEnricher', () => {
  test('null without --dns and --whois', () => {
    expect(networkEnricher(null)).toBeNull()
  })
})
