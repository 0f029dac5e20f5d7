import { LIST_SEPARATOR } from './csv-cells.js'

// A source's port ranges across its destinations, for the `tcp_ports` / `udp_ports` cells of the
// sources table. The report keeps, per destination, the lowest and highest port seen (`"lo-hi"` or
// `"p"`), not every port, so the cell is the union of those per-destination intervals: overlapping
// or adjacent intervals are merged, the rest listed in ascending order (`22;1000-1150`).

function parse(range: string): [number, number] | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range)
  if (m === null) return null
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  return lo <= hi ? [lo, hi] : null
}

/** Returns the union of per-destination port ranges (`22;1000-1150`), '' when none is given. */
export function mergePortRanges(ranges: Iterable<string | null>): string {
  const spans: [number, number][] = []
  for (const r of ranges) {
    if (r === null) continue
    const span = parse(r)
    if (span !== null) spans.push(span)
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: [number, number][] = []
  for (const [lo, hi] of spans) {
    const last = merged[merged.length - 1]
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else merged.push([lo, hi])
  }
  return merged.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(LIST_SEPARATOR)
}
