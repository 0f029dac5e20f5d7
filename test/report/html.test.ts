import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { BUNDLED_SIGNATURES, loadSignatures } from '../../src/config/signatures.js'
import type { PageData } from '../../src/report/html-data.js'
import { timelineChart } from '../../src/report/html-timeline.js'
import { renderHtml } from '../../src/report/html.js'
import type { ReportV1 } from '../../src/report/model.js'
import { cliJson } from '../helpers/cli.js'
import { analyzeLines, range, tcpLine, udpLine } from '../helpers/lines.js'

const OPTS = { generatedAt: '2026-11-22T12:00:00Z' }

async function smallReport(): Promise<ReportV1> {
  const { index } = await loadSignatures([BUNDLED_SIGNATURES], { vars: defaultSettings().vars, strict: false })
  return analyzeLines([
    ...range(40).map((i) => tcpLine({ dport: 1000 + i, time: `Nov 22 10:${String(i).padStart(2, '0')}:00` })),
    ...range(20).map((i) => tcpLine({ src: '198.51.100.7', dport: 1433, dst: `192.0.2.${i + 1}`, time: 'Nov 22 10:05:00', prefix: '[UFW BLOCK] ' })),
    ...range(8).map((i) => udpLine({ src: '2001:db8::66', dst: '2001:db8::1', dport: 5000 + i, time: 'Nov 22 10:20:00' })),
    ...range(6).map((i) => tcpLine({ src: '203.0.113.9', dport: 3000 + i, flags: 'FIN', opts: null, time: 'Nov 22 10:30:00' })),
  ], undefined, index)
}

/** The page's JSON data block, parsed. */
function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="ps-data">([^<]*)<\/script>/.exec(html)
  expect(m, 'data block').not.toBeNull()
  return JSON.parse(m![1]!) as PageData
}

/** The document with the JSON data block removed: what the HTML parser sees as markup. */
function markup(html: string): string {
  return html.replace(/<script type="application\/json" id="ps-data">[^<]*<\/script>/, '')
}

describe('renderHtml: structure', () => {
  test('a small analysed report has every section, both charts and the source data', async () => {
    const report = await smallReport()
    const html = renderHtml(report, { ...OPTS, title: 'Lab report' })
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('<title>Lab report</title>')
    for (const id of ['timeline', 'danger', 'run', 'top-sources', 'top-ports', 'top-signatures', 'breakdown', 'sources']) {
      expect(html).toContain(`id="${id}"`)
    }
    const cells = report.timeline.buckets.flat().filter((n) => n > 0).length
    expect(cells).toBeGreaterThan(1)
    expect(html.match(/<rect class="seg dl\d"/g)).toHaveLength(cells)
    expect(html.match(/<rect class="bar dl\d"/g)).toHaveLength(6)
    expect(html).toContain('MISC Microsoft SQL Server communication attempt')
    expect(html).toContain('[UFW BLOCK]')
    expect(html).toContain('>10:00<') // a readable time label on the x axis
    const data = pageData(html)
    expect(data.sources.map((s) => s.ip)).toEqual(report.sources.map((s) => s.ip))
    expect(data.sources[0]!.dst[0]![0]).toBe(report.sources[0]!.destinations[0]!.ip)
  })

  test('is self-contained: no external URL, one style and one script, both allowed by hash only', async () => {
    const html = renderHtml(await smallReport(), OPTS)
    expect(html).not.toMatch(/\b(src|href|action|srcset|poster|data)\s*=\s*"(?!#)/i)
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i)
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!
    const hash = (t: string): string => `&#x27;sha256-${createHash('sha256').update(t).digest('base64').replace(/=/g, '&#x3D;')}&#x27;`
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!
    expect(csp).toContain(`script-src ${hash(script)}`)
    expect(csp).toContain(`style-src ${hash(style)}`)
    expect(csp).toContain('default-src &#x27;none&#x27;')
    expect(html.match(/<script>/g)).toHaveLength(1)
  })

  test('is deterministic: the same report renders to the same bytes', async () => {
    const report = await smallReport()
    expect(renderHtml(report, OPTS)).toBe(renderHtml(report, OPTS))
  })

  test('renders the JSON report of real captures (built CLI, as npm test runs it)', () => {
    const { run, report } = cliJson(['analyze', 'test/fixtures/captures/syn-scan.log', 'test/fixtures/captures/connect-scan.log']) as { run: { status: number | null }; report: ReportV1 }
    expect(run.status).toBe(0)
    const html = renderHtml(report, OPTS)
    expect(html).toContain('10.77.0.1')
    expect(html).toContain('test/fixtures/captures/syn-scan.log')
    expect(html).toContain('[UFW BLOCK]')
    expect(pageData(html).sources[0]!.nmap).toEqual(report.sources[0]!.nmapOptions)
  })

  test('templates never use unescaped {{{ }}} or {{& }}: raw output only via the asset and scriptJson helpers', () => {
    const dir = new URL('../../templates/html/', import.meta.url)
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.hbs')), ...readdirSync(new URL('partials/', dir)).map((f) => `partials/${f}`)]
    expect(files.length).toBeGreaterThan(3)
    for (const f of files) expect(readFileSync(new URL(f, dir), 'utf8'), f).not.toMatch(/\{\{\{|\{\{&|\{\{~?\s*&/)
  })

  test('the compiled module finds its templates too (dist/report/html.js)', async () => {
    const dist = new URL('../../dist/report/html.js', import.meta.url)
    expect(existsSync(dist), 'run `npm run build` first (npm test does)').toBe(true)
    const mod = (await import(pathToFileURL(dist.pathname).href)) as { renderHtml: typeof renderHtml }
    // Not byte-compared with src: a stale dist would fail for the wrong reason.
    const html = mod.renderHtml(await smallReport(), OPTS)
    expect(html).toContain('<svg class="chart timeline"')
    expect(html).toContain('id="ps-data"')
    expect(html).toContain('--dl5:')
  })
})

describe('renderHtml: hostile log data', () => {
  const IMG = '<img src=x onerror=alert(1)>'
  const HOSTILE = `${IMG}"'\`&</script><script>alert(2)</script><!--\u2028\u2029\u001b[31m\u202e\u0000`

  function hostileReport(base: ReportV1): ReportV1 {
    const r = structuredClone(base)
    const s = r.sources[0]!
    r.generator.version = HOSTILE
    r.inputs = [{ name: `/var/log/${HOSTILE}.log`, bytes: 10, gzip: false, lines: 3, error: HOSTILE }]
    r.summary.skipped = { [HOSTILE]: 1, 'not-firewall': 2 }
    r.summary.hosts = { [HOSTILE]: 5 }
    r.summary.protocols = { [HOSTILE]: 5 }
    r.summary.logPrefixes = { [HOSTILE]: 5 }
    r.malformed = [{ where: `${HOSTILE}:1`, error: HOSTILE }]
    r.topSignatures = [{ sid: 1, psadId: null, msg: HOSTILE, protocol: HOSTILE, count: 1, sources: 1 }]
    r.topPorts = [{ protocol: HOSTILE, port: 22, packets: 3 }]
    s.ip = `" onmouseover="alert(3)`
    s.scanTypes = [HOSTILE]
    s.nmapOptions = [HOSTILE]
    s.logPrefixes = { [HOSTILE]: 1 }
    s.tcpFlags = { [HOSTILE]: 1 }
    s.chains = { [HOSTILE]: 1 }
    s.signatures = [{ sid: null, psadId: 9, msg: HOSTILE, protocol: HOSTILE, count: 1, dangerLevel: 2 }]
    s.os = [{ os: HOSTILE, method: HOSTILE }]
    s.findings = [{ kind: HOSTILE, message: HOSTILE }]
    s.destinations[0]!.tcpPorts = HOSTILE
    s.enrichment = { dns: `${IMG}.example.net`, whois: `OrgName: ${HOSTILE}\nCountry: NL` }
    return r
  }

  test('no markup, handler or script break-out survives anywhere in the document', async () => {
    const html = renderHtml(hostileReport(await smallReport()), { title: HOSTILE, generatedAt: HOSTILE })
    expect(html).not.toMatch(/<img/i)
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i) // no tag with an event-handler attribute
    expect(html.match(/<script/g)).toHaveLength(2) // the JSON block and our script
    expect(html.match(/<\/script>/g)).toHaveLength(2)
    expect(html.match(/<!--/g)).toBeNull()
    for (const ch of ['\u2028', '\u2029', '\u001b', '\u202e', '\u0000']) expect(html.includes(ch), JSON.stringify(ch)).toBe(false)
  })

  test('every place a log string is shown gets it as escaped, visible text', async () => {
    const html = markup(renderHtml(hostileReport(await smallReport()), { title: HOSTILE, generatedAt: HOSTILE }))
    const shown = '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;&quot;&#x27;&#x60;&amp;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;!--'
    // title x2, generator x2, input name, input error, skip reason, host, protocol, prefix, malformed where and error,
    // top signature msg and protocol, top port: each at least once.
    expect(html.split(shown).length - 1).toBeGreaterThanOrEqual(15)
    expect(html).toContain('\\x1b[31m\\u{202e}\\x00') // controls made visible, not interpreted
    expect(html).toContain('data-ip="&quot; onmouseover&#x3D;&quot;alert(3)"')
  })

  test('the script data keeps hostile strings as inert JSON that parses back to the displayed text', async () => {
    const html = renderHtml(hostileReport(await smallReport()), OPTS)
    const block = /<script type="application\/json" id="ps-data">([^<]*)<\/script>/.exec(html)![1]!
    expect(block).not.toMatch(/[<>&\u2028\u2029]/)
    const s = pageData(html).sources[0]!
    const visible = `${IMG}"'\`&</script><script>alert(2)</script><!--\\u{2028}\\u{2029}\\x1b[31m\\u{202e}\\x00`
    expect(s.whois).toBe(`OrgName: ${visible}\nCountry: NL`)
    expect(s.dns).toBe(`${IMG}.example.net`)
    expect(s.prefixes).toEqual([[visible, 1]])
    expect(s.sig[0]![0]).toBe(visible)
    expect(s.fnd[0]).toEqual([visible, visible])
    expect(s.os[0]).toBe(`${visible} (${visible})`)
    expect(s.dst[0]![2]).toBe(visible)
  })
})

describe('renderHtml: edge cases', () => {
  test('an empty report renders', () => {
    const html = renderHtml(analyzeLines([]), OPTS)
    expect(html).toContain('No packet had a timestamp')
    expect(html).toContain('No source reached the minimum danger level.')
    expect(pageData(html)).toEqual({ t0: 0, sources: [] })
    expect(html).toContain('</html>')
  })

  test('a report without timestamps renders its sources and no timeline', async () => {
    const r = structuredClone(await smallReport())
    r.summary.firstSeen = null
    r.summary.lastSeen = null
    r.timeline = { start: null, bucketSeconds: 60, buckets: [] }
    for (const s of r.sources) {
      s.firstSeen = null
      s.lastSeen = null
      for (const d of s.destinations) {
        d.firstSeen = null
        d.lastSeen = null
      }
    }
    const html = renderHtml(r, OPTS)
    expect(html).toContain('No packet had a timestamp')
    expect(html).toContain('no timestamps')
    expect(html).not.toContain('<svg class="chart timeline"')
    const data = pageData(html)
    expect(data.sources).toHaveLength(r.sources.length)
    expect(data.sources[0]!.first).toBeNull()
  })

  test('timeline: a multi-day range labels days, every bucket has a hover title', () => {
    const buckets = range(120).map((i) => [i % 3, 0, i % 5, 0, 0, i === 60 ? 1000 : 0])
    const chart = timelineChart({ start: '2026-11-20T00:00:00.000Z', bucketSeconds: 3600, buckets })
    expect(chart.empty).toBe(false)
    expect(chart.xTicks.length).toBeGreaterThan(2)
    expect(chart.xTicks.length).toBeLessThanOrEqual(8)
    expect(chart.xTicks.map((t) => t.label)).toContain('Nov 21')
    expect(chart.buckets.every((b) => b.title.includes('UTC') || b.title.includes('Nov'))).toBe(true)
    expect(chart.buckets.find((b) => b.title.includes('DL5 1,000'))).toBeDefined()
    expect(Math.max(...chart.xTicks.map((t) => t.x))).toBeLessThanOrEqual(chart.plot.right)
  })
})
