// Port ranges as the engine keeps them: per destination, the lowest and highest port seen (psad's
// model, so `1-1024` means "probes from 1 up to 1024", not that every port between was hit).

export type Range = readonly [lo: number, hi: number]

/** Returns the range of `"lo-hi"` or `"p"`, or null for null or text that is not one. */
export function parseRange(text: string | null): Range | null {
  if (text === null) return null
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text)
  if (m === null) return null
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  return lo <= hi && hi <= 65535 ? [lo, hi] : null
}

/** Returns `"lo-hi"`, or `"p"` for a single port. */
export function rangeText([lo, hi]: Range): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`
}

/** Returns the ranges sorted, with overlapping and adjacent ones joined. */
export function mergeRanges(ranges: Iterable<Range>): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const out: [number, number][] = []
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else out.push([lo, hi])
  }
  return out
}

/** Returns the parts of `now` outside `before` (at most two: below and above it). */
export function subtractRange(now: Range, before: Range | null): Range[] {
  if (before === null || before[1] < now[0] || before[0] > now[1]) return [now]
  const out: Range[] = []
  if (now[0] < before[0]) out.push([now[0], before[0] - 1])
  if (now[1] > before[1]) out.push([before[1] + 1, now[1]])
  return out
}
