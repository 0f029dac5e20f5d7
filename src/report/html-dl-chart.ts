import { int, percent } from './html-format.js'
import type { SummaryV1 } from './model.js'

// Geometry of the danger-level distribution (sources per DL, worst first), drawn as inline SVG by
// templates/html/partials/dl-chart.hbs.

export interface DlBar { dl: number; label: string; y: number; textY: number; w: number; value: string; title: string }

export interface DlChart {
  width: number
  height: number
  barX: number
  barH: number
  trackW: number
  valueX: number
  bars: DlBar[]
}

const WIDTH = 480
const ROW = 30
const BAR_X = 64
const BAR_MAX = 280
const BAR_H = ROW - 10

/** Returns one bar per danger level 5..1 plus DL 0 (sources seen but never scored). */
export function dlChart(summary: SummaryV1): DlChart {
  const levels = [5, 4, 3, 2, 1].map((dl) => ({ dl, n: Math.max(0, summary.dangerLevels[String(dl) as '1'] ?? 0) }))
  const scored = levels.reduce((a, l) => a + l.n, 0)
  levels.push({ dl: 0, n: Math.max(0, summary.sourcesSeen - scored) })
  const total = levels.reduce((a, l) => a + l.n, 0)
  const max = Math.max(1, ...levels.map((l) => l.n))
  const bars = levels.map(({ dl, n }, i): DlBar => {
    const w = n === 0 ? 0 : Math.max(2, Math.round((n / max) * BAR_MAX * 100) / 100)
    const value = n > 0 ? `${int(n)} (${percent(n, total)})` : '0'
    const what = dl === 0 ? 'below DL 1 (not scored)' : `at DL ${dl}`
    const y = 6 + i * ROW
    return { dl, label: `DL ${dl}`, y, textY: y + BAR_H / 2, w, value, title: `${int(n)} source${n === 1 ? '' : 's'} ${what}` }
  })
  return { width: WIDTH, height: 12 + levels.length * ROW - 6, barX: BAR_X, barH: BAR_H, trackW: BAR_MAX, valueX: BAR_X + BAR_MAX + 10, bars }
}
