import { printable } from '../core/excerpt.js'

// Display formatting for the HTML report. Deterministic: no locale, no time zone, no clock — every
// time is shown in UTC so two renders of one report are byte-identical.

const SEPARATORS = /[\u2028\u2029]/g

/**
 * Returns a log-derived string with control, bidi and line-separator characters made visible
 * (`\x1b`, `\u{202e}`). HTML escaping is handlebars' job (or the DOM's, in the page script); this
 * only stops a log line from reordering, hiding or breaking text on screen.
 */
export function safe(text: string): string {
  return printable(text).replace(SEPARATORS, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
}

/** Returns an integer with thousands separators: 1234567 -> "1,234,567". */
export function int(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const sign = n < 0 ? '-' : ''
  return sign + String(Math.trunc(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Returns a short count for chart axes: 950, 1.2k, 34k, 1.5M. */
export function compact(n: number): string {
  if (n < 1000) return String(n)
  const [div, unit] = n < 1e6 ? [1e3, 'k'] : n < 1e9 ? [1e6, 'M'] : [1e9, 'G']
  const v = n / div
  return `${v < 10 && v % 1 !== 0 ? v.toFixed(1) : Math.round(v)}${unit}`
}

/** Returns a byte count for people: "912 B", "37.9 KB", "2.1 GB" (powers of 1000). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n
  let u = -1
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${v.toFixed(1)} ${units[u]}`
}

/** Returns a percentage of `total` with one decimal ("12.5%"), or "" when total is 0. */
export function percent(part: number, total: number): string {
  if (total <= 0) return ''
  const p = (100 * part) / total
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`
}

/** Returns an ISO time as "2026-11-22 08:15:20" (UTC), "" for null, or the escaped raw text if unparsable. */
export function when(iso: string | null): string {
  if (iso === null) return ''
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms)) return safe(iso)
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Returns the UTC day of `ms` as "Nov 22". */
export function day(ms: number): string {
  const d = new Date(ms)
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`
}

/** Returns the UTC clock time of `ms` as "08:15". */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16)
}

/** Returns a duration for people: "45 s", "17 min", "6 h 30 min", "3 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const min = Math.round(s / 60)
  if (min < 60) return `${min} min`
  const hours = Math.round(min / 60)
  if (min < 24 * 60) return min % 60 === 0 ? `${min / 60} h` : `${Math.floor(min / 60)} h ${min % 60} min`
  return hours % 24 === 0 ? `${hours / 24} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`
}
