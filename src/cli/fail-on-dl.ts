import type { ReportV1 } from '../report/model.js'

// `--fail-on-dl N`: exit 1 when a source reached level N, and say which on stderr, so a CI log shows
// the reason next to the status: `portsleuth: 2 sources at DL ≥ 3: 203.0.113.7 (DL 4), 198.51.100.2 (DL 3)`.

/** Sources named before "and N more". */
const NAMED = 10

/** Returns the stderr line for sources at or above `level`, or null when there are none. */
export function failOnDlNote(report: ReportV1, level: number): string | null {
  const levels = report.summary.dangerLevels
  let count = 0
  for (let dl = level; dl <= 5; dl++) count += levels[String(dl) as keyof typeof levels]
  if (count === 0) return null
  // report.sources is ordered worst first; sources below --min-dl are counted but not listed.
  const named = report.sources.filter((s) => s.dangerLevel >= level).slice(0, NAMED).map((s) => `${s.ip} (DL ${s.dangerLevel})`)
  const more = count - named.length
  const list = named.length === 0 ? '' : `: ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`
  return `${count} source${count === 1 ? '' : 's'} at DL ≥ ${level}${list}`
}
