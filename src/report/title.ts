import type { ReportV1 } from './model.js'
import { printable } from '../core/excerpt.js'

// What a report is about, for its title, its text header and the mail subject: the firewall(s) that
// logged the lines (the syslog hosts in the report, not the machine the report ran on) and the period
// (the --since/--until window asked for, else the span of the lines). Periods are in local time, like
// the --since/--until they come from.

/** Hosts named before "+N more". */
const NAMED_HOSTS = 2

/** Returns the report's syslog hosts, most lines first: `fw1`, `fw1, fw2`, `fw1, fw2 +3 more`; '' when no line named one. */
export function hostsText(report: ReportV1): string {
  const hosts = Object.entries(report.summary.hosts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const named = hosts.slice(0, NAMED_HOSTS).map(([h]) => printable(h).slice(0, 64))
  return named.join(', ') + (hosts.length > NAMED_HOSTS ? ` +${hosts.length - NAMED_HOSTS} more` : '')
}

const pad = (n: number): string => String(n).padStart(2, '0')
const day = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`

function isMidnight(d: Date): boolean {
  return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0
}

/** Returns a window as `2026-11-21` (one whole local day), `2026-11-21 08:00..17:30` or `2026-11-20 08:00..2026-11-21 08:00`. */
export function windowText(start: number, end: number): string {
  const a = new Date(start)
  const b = new Date(end)
  const nextDay = new Date(a.getFullYear(), a.getMonth(), a.getDate() + 1)
  if (isMidnight(a) && b.getTime() === nextDay.getTime()) return day(a)
  if (day(a) === day(b)) return `${day(a)} ${clock(a)}..${clock(b)}`
  return `${day(a)} ${clock(a)}..${day(b)} ${clock(b)}`
}

/**
 * Returns the period a report covers: its window (an open end runs until `now`, an open start from its
 * first line), else the span of its lines; null when there is neither.
 */
export function periodText(report: ReportV1, now: number): string | null {
  const first = report.summary.firstSeen === null ? NaN : Date.parse(report.summary.firstSeen)
  const last = report.summary.lastSeen === null ? NaN : Date.parse(report.summary.lastSeen)
  const w = report.window
  if (w !== undefined) {
    const since = w.since === null ? first : Date.parse(w.since)
    const until = w.until === null ? now : Date.parse(w.until)
    if (Number.isFinite(since) && Number.isFinite(until)) return windowText(since, until)
  }
  return Number.isFinite(first) && Number.isFinite(last) ? windowText(first, last) : null
}

/** Returns the report's title: `portsleuth report: fw1, 2026-11-21` (hosts and period, when known). */
export function reportTitle(report: ReportV1, now: number): string {
  const parts = [hostsText(report), periodText(report, now)].filter((p) => p !== null && p !== '')
  return parts.length === 0 ? 'portsleuth report' : `portsleuth report: ${parts.join(', ')}`
}
