// Benchmark of the HTML report at scale: renders a synthetic 10,000-source report, then loads it in
// headless Chromium and prints the file size, the time to the `load` event and the time to the first
// paint of the timeline chart. Run: npx tsx bench/html-report.ts [sources]
//
// The synthetic report and the Chromium launcher live in test/helpers (shared with the slow tests).

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BrowserContext } from 'playwright-core'
import { renderHtml } from '../src/report/html.js'
import { launchChromium } from '../test/helpers/chromium.js'
import { syntheticReport } from '../test/helpers/synthetic-report.js'

// Notes when the whole timeline SVG (its figcaption follows it) is in the DOM, then waits for the
// frame that draws it: a rAF callback runs just before a paint, a task queued from it just after.
// Injected by the benchmark through the DevTools protocol; the report itself carries no timing code.
const CHART_PAINT_PROBE = `new MutationObserver((_, obs) => {
  if (document.querySelector('svg.timeline + figcaption') === null) return
  obs.disconnect()
  requestAnimationFrame(() => setTimeout(() => { window.__chartPaint = performance.now() }))
}).observe(document, { childList: true, subtree: true })`

export interface LoadTiming { load: number; chart: number; chartBars: number }

/** Loads an HTML file in Chromium; returns ms from navigation start to `load` and to the chart's first frame. */
export async function measureLoad(context: BrowserContext, file: string): Promise<LoadTiming> {
  const page = await context.newPage()
  await page.addInitScript(CHART_PAINT_PROBE)
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  await page.waitForFunction('window.__chartPaint !== undefined')
  // A string, not a function: this project compiles without the DOM lib.
  const m = await page.evaluate<LoadTiming>(`({
    load: performance.getEntriesByType('navigation')[0].loadEventStart,
    chart: window.__chartPaint,
    chartBars: document.querySelectorAll('svg.timeline rect.seg').length,
  })`)
  await page.close()
  return m
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000)
  const report = syntheticReport(n)
  const t0 = performance.now()
  const html = renderHtml(report, { generatedAt: '2026-11-22T12:00:00Z', title: `portsleuth bench: ${n} sources` })
  const renderMs = performance.now() - t0
  const dir = fileURLToPath(new URL('./out/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `html-report-${n}.html`)
  writeFileSync(file, html)
  const { context, close } = await launchChromium()
  try {
    await measureLoad(context, file) // warm-up: first launch pays for font and cache setup
    const runs = [await measureLoad(context, file), await measureLoad(context, file), await measureLoad(context, file)]
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!
    const mb = (Buffer.byteLength(html) / 1e6).toFixed(2)
    console.log(`html-report: ${n} sources -> ${mb} MB in ${renderMs.toFixed(0)} ms (${file})`)
    const ms = (k: 'load' | 'chart'): string => `${median(runs.map((r) => r[k])).toFixed(0)} ms`
    console.log(`html-report: Chromium (median of 3) timeline chart (${runs[0]!.chartBars} bars) painted after ${ms('chart')}, load event after ${ms('load')}`)
  } finally {
    await close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exitCode = 1
  })
}
