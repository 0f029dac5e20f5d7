import { clock, compact, day, duration, int } from './html-format.js'
import type { TimelineV1 } from './model.js'

// Geometry of the packets-over-time chart, computed here and drawn by templates/html/partials/
// timeline.hbs as inline SVG: no chart code runs in the page, so the chart is there in the first
// frame, in a mail preview with scripts off, and in print.

export interface Segment { dl: number; x: number; y: number; w: number; h: number }
export interface Bucket { title: string; x: number; w: number; segments: Segment[] }
export interface Tick { x: number; y: number; label: string; sub: string }
/** One bucket as a table row (a mail client that drops inline SVG still shows the numbers). */
export interface TimelineRow { from: string; counts: string[]; total: string }

export interface TimelineChart {
  empty: boolean
  width: number
  height: number
  plot: { x: number; y: number; w: number; h: number; bottom: number; right: number; tick: number }
  buckets: Bucket[]
  yTicks: Tick[]
  xTicks: Tick[]
  caption: string
  /** The buckets that hold packets, as table rows. */
  rows: TimelineRow[]
}

const WIDTH = 960
const HEIGHT = 250
const PLOT = { x: 52, y: 10, w: 880, h: 190 }
const MAX_X_TICKS = 8
// Label spacings a reader expects on a time axis, in seconds: minutes up to weeks.
const X_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000]

// One decimal in a 960-unit viewBox is finer than a pixel on any screen, and keeps the SVG small.
const r1 = (n: number): number => Math.round(n * 10) / 10

function niceStep(max: number): number {
  const raw = Math.max(1, max / 4)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const f = [1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10
  return Math.max(1, f * mag)
}

function yTicks(max: number): { top: number; ticks: Tick[] } {
  const step = niceStep(max)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const ticks: Tick[] = []
  for (let v = 0; v <= top; v += step) {
    ticks.push({ x: PLOT.x - 6, y: r1(PLOT.y + PLOT.h - (v / top) * PLOT.h), label: compact(v), sub: '' })
  }
  return { top, ticks }
}

function xTicks(start: number, bucketSeconds: number, count: number): Tick[] {
  const span = bucketSeconds * count
  const step = X_STEPS.find((s) => s % bucketSeconds === 0 && span / s <= MAX_X_TICKS) ?? bucketSeconds * Math.ceil(count / MAX_X_TICKS)
  const ticks: Tick[] = []
  let lastDay = ''
  const first = Math.ceil(start / (step * 1000)) * step * 1000
  for (let t = first; t <= start + span * 1000; t += step * 1000) {
    const d = day(t)
    const label = step >= 86400 ? d : clock(t)
    ticks.push({ x: r1(PLOT.x + ((t - start) / (span * 1000)) * PLOT.w), y: PLOT.y + PLOT.h + 16, label, sub: step < 86400 && d !== lastDay ? d : '' })
    lastDay = d
  }
  return ticks
}

function range(start: number, bucketSeconds: number): string {
  const end = start + bucketSeconds * 1000
  if (bucketSeconds >= 86400) return `${day(start)} – ${day(end)}`
  return `${day(start)} ${clock(start)}–${clock(end)} UTC`
}

function bucketTitle(row: readonly number[], start: number, bucketSeconds: number): string {
  const total = row.reduce((a, b) => a + b, 0)
  const parts = row.map((n, dl) => (n > 0 ? `DL${dl} ${int(n)}` : '')).filter((p) => p !== '')
  return `${range(start, bucketSeconds)}: ${int(total)} packet${total === 1 ? '' : 's'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`
}

/** Returns the stacked-bar geometry of the timeline; `empty` when the report has no timestamped packet. */
export function timelineChart(t: TimelineV1): TimelineChart {
  const start = t.start === null ? NaN : Date.parse(t.start)
  const base = { width: WIDTH, height: HEIGHT, plot: { ...PLOT, bottom: PLOT.y + PLOT.h, right: PLOT.x + PLOT.w, tick: PLOT.y + PLOT.h + 5 } }
  if (!Number.isFinite(start) || t.buckets.length === 0 || !(t.bucketSeconds > 0)) {
    return { ...base, empty: true, buckets: [], yTicks: [], xTicks: [], rows: [], caption: 'No packet had a timestamp, so there is no timeline.' }
  }
  const rows = t.buckets.map((b) => Array.from({ length: 6 }, (_, dl) => Math.max(0, Number(b[dl]) || 0)))
  const max = Math.max(...rows.map((r) => r.reduce((a, b) => a + b, 0)))
  const { top, ticks } = yTicks(max)
  const slot = PLOT.w / rows.length
  const w = Math.min(48, Math.max(1, slot * 0.8))
  const buckets: Bucket[] = []
  const table: TimelineRow[] = []
  rows.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0)
    if (total > 0) table.push({ from: range(start + i * t.bucketSeconds * 1000, t.bucketSeconds), counts: row.map(int), total: int(total) })
    const x = PLOT.x + i * slot + (slot - w) / 2
    let y = PLOT.y + PLOT.h
    const segments: Segment[] = []
    row.forEach((n, dl) => {
      if (n === 0) return
      const h = (n / top) * PLOT.h
      y -= h
      // A bucket with one packet among thousands still gets a visible sliver.
      segments.push({ dl, x: r1(x), y: r1(y), w: r1(w), h: r1(Math.max(h, 0.75)) })
    })
    if (segments.length > 0) {
      buckets.push({ title: bucketTitle(row, start + i * t.bucketSeconds * 1000, t.bucketSeconds), x: r1(PLOT.x + i * slot), w: r1(slot), segments })
    }
  })
  const end = start + rows.length * t.bucketSeconds * 1000
  const when = t.bucketSeconds >= 86400 ? `${day(start)} – ${day(end)}` : `${day(start)} ${clock(start)} – ${day(end)} ${clock(end)} UTC`
  return {
    ...base,
    empty: false,
    buckets,
    yTicks: ticks,
    xTicks: xTicks(start, t.bucketSeconds, rows.length),
    rows: table,
    caption: `Packets per ${duration(t.bucketSeconds)}, ${when}, coloured by the danger level of their source at the time.`,
  }
}
