import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from '../helpers/chromium.js'
import { syntheticReport } from '../helpers/synthetic-report.js'
import { renderHtml } from '../../src/report/html.js'
import type { ReportV1 } from '../../src/report/model.js'
import { cliJson } from '../helpers/cli.js'
import { analyzeLines, icmpLine, range, tcpLine, udpLine } from '../helpers/lines.js'

// The HTML report in a real headless Chromium, loaded from disk as a mail attachment would be.

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))
const SCREENSHOT = fileURLToPath(new URL('../../docs/report-screenshot.png', import.meta.url))
const IMG = '<img src=x onerror=alert(1)>'
const OPTS = { generatedAt: '2026-11-22T12:00:00Z' }

interface Opened { page: Page; url: string; errors: string[]; requests: string[]; dialogs: string[] }

let context: BrowserContext
let close: () => Promise<void>
const pages: Opened[] = []

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  ;({ context, close } = await launchChromium())
})

afterAll(async () => {
  await close?.()
})

async function open(html: string, name: string): Promise<Opened> {
  const file = join(ARTIFACTS, `${name}.html`)
  writeFileSync(file, html)
  const page = await context.newPage()
  const o: Opened = { page, url: pathToFileURL(file).href, errors: [], requests: [], dialogs: [] }
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') o.errors.push(m.text())
  })
  page.on('pageerror', (e) => o.errors.push(e.message))
  page.on('request', (r) => o.requests.push(r.url()))
  page.on('dialog', (d) => {
    o.dialogs.push(d.message())
    void d.dismiss()
  })
  await page.goto(o.url, { waitUntil: 'load' })
  pages.push(o)
  return o
}

// Expressions, not functions: the project compiles without the DOM lib.
const js = <T>(page: Page, expr: string): Promise<T> => page.evaluate<T>(expr)
const rowTexts = (page: Page, table: string, col: number): Promise<string[]> =>
  js(page, `[...document.querySelectorAll('${table} > tbody > tr:not([hidden]):not(.detail)')].map((r) => r.cells[${col}].textContent.trim())`)

function clean(o: Opened): void {
  expect(o.errors, 'console errors').toEqual([])
  expect(o.requests, 'network requests').toEqual([o.url])
  expect(o.dialogs, 'dialogs').toEqual([])
}

/** Writes a day of plausible firewall log (scanners, probes, background noise) for a realistic sample. */
function sampleLog(dir: string): string {
  const t = (h: number, m: number, s = 0): string => `Nov 22 ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  const lines: string[] = []
  for (let p = 1; p <= 400; p++) lines.push(tcpLine({ src: '203.0.113.45', dst: '192.0.2.10', dport: p, time: t(1 + Math.floor(p / 160), (p * 7) % 60, p % 60) }))
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 12; i++) lines.push(tcpLine({ src: '198.51.100.23', dst: '192.0.2.20', sport: 40000 + i, dport: 23, time: t(2 + round, 10 + i), opts: null, window: 14600 }))
    lines.push(tcpLine({ src: '198.51.100.23', dst: '192.0.2.20', dport: 2323, time: t(2 + round, 30), opts: null, window: 14600 }))
  }
  for (let p = 0; p < 60; p++) lines.push(udpLine({ src: '198.51.100.77', dst: '192.0.2.10', dport: [53, 69, 111, 123, 137, 161, 500, 514, 520, 1900][p % 10]! + Math.floor(p / 10), time: t(5, 2 + (p % 40)) }))
  for (let h = 0; h < 40; h++) lines.push(tcpLine({ src: '203.0.113.200', dst: `192.0.2.${100 + h}`, dport: 1433, time: t(Math.floor(h / 4), (h * 13) % 60), prefix: '[UFW BLOCK] ' }))
  for (let p = 0; p < 220; p++) lines.push(tcpLine({ src: '2001:db8:5::17', dst: '2001:db8::10', dport: 8000 + p, time: t(10, 5 + Math.floor(p / 20), p % 60), len: 80, prefix: 'INPUT-drop: ' }))
  for (let i = 0; i < 120; i++) {
    const src = `198.51.100.${100 + (i % 40)}`
    lines.push(tcpLine({ src, dport: [22, 23, 80, 443, 3389, 8080][i % 6]!, time: t(Math.floor(i / 10), (i * 17) % 60), prefix: 'Shorewall:net2fw:DROP:' }))
  }
  for (let i = 0; i < 12; i++) lines.push(icmpLine({ src: '203.0.113.9', type: 8, code: i < 6 ? 0 : 3, time: t(7, i) }))
  lines.push('Nov 22 06:00:01 fw sshd[811]: Accepted publickey for admin from 192.0.2.1 port 50522 ssh2')
  lines.push('Nov 22 06:00:02 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.300 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=2 ')
  lines.sort((a, b) => (a.slice(0, 15) < b.slice(0, 15) ? -1 : a.slice(0, 15) > b.slice(0, 15) ? 1 : 0))
  const file = join(dir, 'kern.log')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

let sample: ReportV1 | null = null

/** The built CLI's JSON report of the sample log plus some real captures (npm test builds first). */
function sampleReport(): ReportV1 {
  sample ??= analyseSample()
  return structuredClone(sample)
}

function analyseSample(): ReportV1 {
  const dir = mkdtempSync(join(tmpdir(), 'portsleuth-html-'))
  try {
    const captures = ['syn-scan.log', 'connect-scan.log', 'fin-scan.log', 'udp-scan.log', 'os-probe.log']
      .map((f) => `test/fixtures/captures/${f}`).filter((f) => existsSync(f))
    const { run, report } = cliJson(['analyze', '--year', '2026', sampleLog(dir), ...captures]) as { run: { status: number | null; stderr: string }; report: ReportV1 }
    expect(run.status, run.stderr).toBe(0)
    // Enrichment (DNS, whois) comes from another module; the report model carries it like this.
    for (const s of report.sources.filter((x) => x.ip.startsWith('203.0.113.'))) {
      s.enrichment = { dns: `scan-${s.ip.split('.')[3]}.example.net`, whois: `inetnum: 203.0.113.0 - 203.0.113.255\nnetname: TEST-NET-3\ncountry: ZZ\nabuse-c: ABUSE1-TEST` }
    }
    for (const i of report.inputs) i.name = i.name.replace(dir, '/var/log')
    for (const m of report.malformed) m.where = m.where.replace(dir, '/var/log')
    return report
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('HTML report in headless Chromium', () => {
  test('a realistic report loads cleanly, draws both charts and offline', async () => {
    const report = sampleReport()
    const o = await open(renderHtml(report, { ...OPTS, title: 'portsleuth report: fw' }), 'sample')
    const { page } = o
    const box = await page.locator('svg.timeline').boundingBox()
    expect(box!.width).toBeGreaterThan(500)
    expect(box!.height).toBeGreaterThan(100)
    const cells = report.timeline.buckets.flat().filter((n) => n > 0).length
    expect(await page.locator('svg.timeline rect.seg').count()).toBe(cells)
    const heights = await js<number[]>(page, `[...document.querySelectorAll('svg.timeline rect.seg')].map((r) => r.getBoundingClientRect().height)`)
    expect(heights.every((h) => h > 0)).toBe(true)
    const bars = await js<number[]>(page, `[...document.querySelectorAll('svg.dl-chart rect.bar')].map((r) => r.getBoundingClientRect().width)`)
    expect(bars).toHaveLength(6)
    expect(bars.filter((w) => w > 0).length).toBe([5, 4, 3, 2, 1].filter((dl) => report.summary.dangerLevels[String(dl) as '1'] > 0).length + 1)
    expect(await page.locator('#t-sources > tbody > tr').count()).toBe(Math.min(50, report.sources.length))
    await page.screenshot({ path: join(ARTIFACTS, 'sample-light.png'), fullPage: true })
    // The README screenshot: the top of a realistic report, small enough to review. Written to
    // test/artifacts on every run; copied to docs/ only with UPDATE_SCREENSHOT=1, so a test run never
    // changes tracked files.
    await page.setViewportSize({ width: 1200, height: 860 })
    const shot = join(ARTIFACTS, 'report-screenshot.png')
    await page.screenshot({ path: shot })
    expect(statSync(shot).size).toBeLessThan(250_000)
    if (process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true })
      copyFileSync(shot, SCREENSHOT)
    }
    clean(o)
  })

  test('a hostile log prefix and whois text show as literal text; no element, no dialog', async () => {
    const report = analyzeLines([
      ...range(12).map((i) => tcpLine({ dport: 2000 + i, prefix: `${IMG} ` })),
      ...range(6).map((i) => tcpLine({ src: '198.51.100.3', dport: 3000 + i })),
    ])
    report.sources[0]!.enrichment = { dns: `${IMG}.example.net`, whois: `descr: ${IMG}\n"quoted" & </script><script>alert(2)</script>` }
    const o = await open(renderHtml(report, { generatedAt: IMG, title: IMG }), 'hostile')
    const { page } = o
    expect(await page.title()).toBe(IMG)
    expect(await rowTexts(page, '#t-prefixes', 0)).toContain(IMG)
    await page.locator('#t-sources button.src-toggle').first().click()
    const detail = page.locator('#t-sources tr.detail')
    expect(await detail.locator('.chip').allTextContents()).toContain(`${IMG} 12`)
    expect(await detail.locator('pre.whois').textContent()).toBe(`descr: ${IMG}\n"quoted" & </script><script>alert(2)</script>`)
    expect(await page.locator('#t-sources td.dns').first().textContent()).toBe(`${IMG}.example.net`)
    await page.locator('#src-filter').fill('<img')
    expect(await page.locator('#t-sources > tbody > tr:not(.detail)').count()).toBe(1)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(2)
    await page.waitForTimeout(200) // give any injected handler a chance to fire
    clean(o)
  })

  test('tables sort by a header click and filter as you type', async () => {
    const o = await open(renderHtml(sampleReport(), OPTS), 'sort-filter')
    const { page } = o
    // A static table: ports by packets, then by port name.
    const packets = async (): Promise<number[]> => (await rowTexts(page, '#t-ports', 1)).map((t) => Number(t.replace(/,/g, '')))
    await page.locator('#t-ports th', { hasText: 'Packets' }).click()
    const desc = await packets()
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
    await page.locator('#t-ports th', { hasText: 'Packets' }).click()
    const asc = await packets()
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    expect(await page.locator('#t-ports th', { hasText: 'Packets' }).getAttribute('aria-sort')).toBe('ascending')
    await page.locator('input[data-filter="t-ports"]').fill('tcp/23')
    expect(await rowTexts(page, '#t-ports', 0)).toEqual(expect.arrayContaining(['tcp/23', 'tcp/2323']))
    expect((await rowTexts(page, '#t-ports', 0)).every((t) => t.includes('tcp/23'))).toBe(true)
    // The sources list: sort by packets ascending, then filter and restrict the danger level.
    await page.locator('#t-sources th', { hasText: 'Packets' }).click()
    const pk = (await rowTexts(page, '#t-sources', 2)).map((t) => Number(t.replace(/,/g, '')))
    expect(pk).toEqual([...pk].sort((a, b) => b - a))
    await page.locator('#t-sources th', { hasText: 'Source' }).click()
    const ips = await rowTexts(page, '#t-sources', 0)
    expect(ips.indexOf('198.51.100.23')).toBeLessThan(ips.indexOf('198.51.100.77'))
    expect(ips.indexOf('198.51.100.77')).toBeLessThan(ips.indexOf('203.0.113.45'))
    await page.locator('#src-filter').fill('198.51.100.')
    const filtered = await rowTexts(page, '#t-sources', 0)
    expect(filtered.length).toBeGreaterThan(1)
    expect(filtered.every((ip) => ip.startsWith('198.51.100.'))).toBe(true)
    await page.locator('#src-filter').fill('mirai')
    expect(await rowTexts(page, '#t-sources', 0)).toEqual(['198.51.100.23'])
    await page.locator('#src-filter').fill('')
    await page.selectOption('#src-dl', '3')
    const dls = (await rowTexts(page, '#t-sources', 1)).map(Number)
    expect(dls.length).toBeGreaterThan(0)
    expect(dls.every((dl) => dl >= 3)).toBe(true)
    // A top-source link opens that source in the full list.
    await page.selectOption('#src-dl', '0')
    await page.locator('#t-top-sources a.src-link').first().click()
    expect(await page.locator('#t-sources tr.detail').count()).toBe(1)
    clean(o)
  })

  test('10,000 sources page, sort and filter', async () => {
    const report = syntheticReport(10_000)
    const html = renderHtml(report, OPTS)
    const o = await open(html, 'sources-10k')
    const { page } = o
    const status = page.locator('#src-status')
    const pageLabel = page.locator('#src-page')
    expect(await status.textContent()).toBe('Sources 1–50 of 10,000')
    expect(await pageLabel.textContent()).toBe('Page 1 of 200')
    expect(await page.locator('#t-sources > tbody > tr').count()).toBe(50)
    await page.getByRole('button', { name: 'Next ›' }).click()
    expect(await pageLabel.textContent()).toBe('Page 2 of 200')
    expect((await rowTexts(page, '#t-sources', 0))[0]).toBe(report.sources[50]!.ip)
    await page.getByRole('button', { name: 'Last »' }).click()
    expect(await pageLabel.textContent()).toBe('Page 200 of 200')
    expect((await rowTexts(page, '#t-sources', 0)).at(-1)).toBe(report.sources.at(-1)!.ip)
    expect(await page.getByRole('button', { name: 'Next ›' }).isDisabled()).toBe(true)
    await page.selectOption('#src-size', '250')
    expect(await pageLabel.textContent()).toBe('Page 1 of 40')
    expect(await page.locator('#t-sources > tbody > tr').count()).toBe(250)
    await page.locator('#t-sources th', { hasText: 'Packets' }).click()
    await page.locator('#t-sources th', { hasText: 'Packets' }).click()
    const least = Math.min(...report.sources.map((s) => s.packets))
    expect(Number((await rowTexts(page, '#t-sources', 2))[0]!.replace(/,/g, ''))).toBe(least)
    const target = report.sources[7777]!
    await page.locator('#src-filter').fill(target.ip)
    expect(await rowTexts(page, '#t-sources', 0)).toContain(target.ip)
    expect(await status.textContent()).toMatch(/filtered from 10,000/)
    await page.locator('#t-sources button.src-toggle', { hasText: target.ip }).click()
    expect(await page.locator('#t-sources tr.detail').count()).toBe(1)
    await page.screenshot({ path: join(ARTIFACTS, 'sources-10k.png') })
    console.log(`html report with 10,000 sources: ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB`)
    expect(Buffer.byteLength(html)).toBeLessThan(8_000_000)
    clean(o)
  })

  test('dark mode follows the OS and keeps the charts visible', async () => {
    const o = await open(renderHtml(sampleReport(), OPTS), 'dark')
    const { page } = o
    const colours = (): Promise<{ bg: string; grid: string; dl5: string }> => js(page, `({
      bg: getComputedStyle(document.body).backgroundColor,
      grid: getComputedStyle(document.querySelector('svg.timeline .gridline')).stroke,
      dl5: getComputedStyle(document.querySelector('svg.dl-chart rect.dl5')).fill,
    })`)
    await page.emulateMedia({ colorScheme: 'light' })
    const light = await colours()
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = await colours()
    expect(dark.bg).not.toBe(light.bg)
    expect(dark.grid).not.toBe(light.grid)
    const luminance = (rgb: string): number => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number]
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    expect(luminance(dark.bg)).toBeLessThan(60)
    expect(luminance(light.bg)).toBeGreaterThan(200)
    expect(Math.abs(luminance(dark.dl5) - luminance(dark.bg))).toBeGreaterThan(60)
    await page.screenshot({ path: join(ARTIFACTS, 'sample-dark.png'), fullPage: true })
    clean(o)
  })
})

describe('destination addresses sort as addresses', () => {
  test('in a source detail and in the top sources: 10.0.0.9 before 10.0.0.10, fd00::a before fd00::1:0', async () => {
    const dsts = ['10.0.0.100', '10.0.0.10', 'fd00::1:0', '10.0.0.9', 'fd00::a', '10.0.0.2', 'fd00::9']
    // IPv6 lines carry IPv6's header fields (the parser refuses a line that mixes the families).
    const v6 = (l: string): string => l.replace(/LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=\d+/, 'LEN=64 TC=0 HOPLIMIT=50 FLOWLBL=0')
    const lines = dsts.flatMap((dst, i) => range(6).map((p) => (dst.includes(':') ? v6(tcpLine({ src: '2001:db8::77', dst, dport: 1000 + i * 10 + p })) : tcpLine({ src: '192.0.2.10', dst, dport: 1000 + i * 10 + p }))))
    lines.push(...range(30).map((p) => tcpLine({ src: '192.0.2.9', dport: 2000 + p })))
    const o = await open(renderHtml(analyzeLines(lines), OPTS), 'ip-sort')
    const { page } = o
    await page.locator('#t-sources button.src-toggle', { hasText: '192.0.2.10' }).click()
    const dests = page.locator('#t-sources tr.detail table').first()
    await dests.locator('th', { hasText: 'Destination' }).click()
    const order = (): Promise<string[]> => js(page, `[...document.querySelectorAll('#t-sources tr.detail table')][0].tBodies[0].rows.length ? [...[...document.querySelectorAll('#t-sources tr.detail table')][0].tBodies[0].rows].map((r) => r.cells[0].textContent) : []`)
    expect(await order()).toEqual(['10.0.0.2', '10.0.0.9', '10.0.0.10', '10.0.0.100'])
    await dests.locator('th', { hasText: 'Destination' }).click()
    expect(await order()).toEqual(['10.0.0.100', '10.0.0.10', '10.0.0.9', '10.0.0.2'])
    await page.locator('#t-sources button.src-toggle', { hasText: '192.0.2.10' }).click()
    await page.locator('#t-sources button.src-toggle', { hasText: '2001:db8::77' }).click()
    await page.locator('#t-sources tr.detail table').first().locator('th', { hasText: 'Destination' }).click()
    expect(await order()).toEqual(['fd00::9', 'fd00::a', 'fd00::1:0'])
    // The top sources table sorts its addresses the same way.
    await page.locator('#t-top-sources th', { hasText: 'Source' }).click()
    expect(await rowTexts(page, '#t-top-sources', 0)).toEqual(['192.0.2.9', '192.0.2.10', '2001:db8::77'])
    clean(o)
  })
})

describe('with JavaScript off, as a mail client shows it', () => {
  let noJs: BrowserContext
  let closeNoJs: () => Promise<void>
  beforeAll(async () => {
    ;({ context: noJs, close: closeNoJs } = await launchChromium({ javaScriptEnabled: false }))
  })
  afterAll(async () => {
    await closeNoJs?.()
  })

  async function openStatic(html: string, name: string): Promise<Page> {
    const file = join(ARTIFACTS, `${name}.html`)
    writeFileSync(file, html)
    const page = await noJs.newPage()
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    expect(await js<boolean>(page, `document.documentElement.classList.contains('js')`)).toBe(false)
    return page
  }

  test('nothing is empty: every table has its rows, the source list its details', async () => {
    const report = sampleReport()
    const page = await openStatic(renderHtml(report, OPTS), 'static-sample')
    const empty = await js<string[]>(page, `[...document.querySelectorAll('table')].filter((t) => t.tBodies[0].rows.length === 0).map((t) => t.id || t.className)`)
    expect(empty).toEqual([])
    expect(await page.locator('#t-sources > tbody > tr.src-row').count()).toBe(report.sources.length)
    expect(await page.locator('#t-sources > tbody > tr.detail').count()).toBe(report.sources.length)
    const first = report.sources[0]!
    const detail = page.locator('#t-sources > tbody > tr.detail').first()
    expect(await detail.isVisible()).toBe(true)
    expect(await detail.locator('table.dests tbody tr').count()).toBe(Math.min(25, first.destinations.length))
    expect(await detail.textContent()).toContain(`danger level ${first.dangerLevel}`)
    // The controls that need the script are hidden, not dead.
    expect(await page.locator('#src-filter').isVisible()).toBe(false)
    expect(await page.locator('nav.pager').isVisible()).toBe(false)
    await page.screenshot({ path: join(ARTIFACTS, 'static-sample.png'), fullPage: true })
    await page.close()
  })

  test('what a chart shows is also in a table (Gmail drops inline SVG)', async () => {
    const report = sampleReport()
    const page = await openStatic(renderHtml(report, OPTS), 'static-charts')
    await js(page, `document.querySelectorAll('svg').forEach((s) => s.remove())`)
    const buckets = report.timeline.buckets.filter((b) => b.some((n) => n > 0))
    const rows = await js<string[][]>(page, `[...document.querySelectorAll('#t-timeline tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))`)
    expect(rows).toHaveLength(buckets.length)
    rows.forEach((r, i) => expect(r.slice(1).map((c) => Number(c.replace(/,/g, '')))).toEqual([...buckets[i]!, buckets[i]!.reduce((a, b) => a + b, 0)]))
    const dl = await js<string[][]>(page, `[...document.querySelectorAll('#t-dl tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))`)
    expect(dl.map((r) => r[0])).toEqual(['DL 5', 'DL 4', 'DL 3', 'DL 2', 'DL 1', 'DL 0'])
    for (const l of [5, 4, 3, 2, 1] as const) {
      const n = report.summary.dangerLevels[l]
      expect(dl[5 - l]![1]).toMatch(n === 0 ? /^0$/ : new RegExp(`^${n} \\(`))
    }
    await page.close()
  })

  test('10,000 sources: the first 500 with details in the page itself, and how to see the rest', async () => {
    const report = syntheticReport(10_000)
    const page = await openStatic(renderHtml(report, OPTS), 'static-10k')
    const ips = await js<string[]>(page, `[...document.querySelectorAll('#t-sources > tbody > tr.src-row')].map((r) => r.cells[0].textContent)`)
    expect(ips).toEqual(report.sources.slice(0, 500).map((s) => s.ip))
    expect(await page.locator('#t-sources > tbody > tr.detail').count()).toBe(500)
    expect(await page.locator('p.static-only').textContent()).toContain('The other 9,500 sources')
    expect(await page.locator('p.static-only').isVisible()).toBe(true)
    await page.close()
  })
})

describe('with JavaScript on, the script takes the list over', () => {
  test('static rows give way to the paged list; the note about the rest is hidden', async () => {
    const o = await open(renderHtml(syntheticReport(1000), OPTS), 'takeover')
    const { page } = o
    expect(await page.locator('#t-sources > tbody > tr').count()).toBe(50)
    expect(await page.locator('#t-sources > tbody > tr.detail').count()).toBe(0)
    expect(await page.locator('p.static-only').isVisible()).toBe(false)
    expect(await page.locator('#src-status').textContent()).toBe('Sources 1–50 of 1,000')
    clean(o)
  })
})
