import type { DetectionSettings } from '../config/settings.js'

// psad's danger-level model (docs/psad-model.md §2), as pure functions of one (source, destination) pair:
//   N = packets to the destination, R = destination port range (hi − lo, or N when no ports),
//   P = distinct IP protocols to it, D = destinations of the source.
// A pair counts once N ≥ DANGER_LEVEL1 or D ≥ DL1_UNIQUE_HOSTS, and only if it is a real scan:
// R ≥ PORT_RANGE_SCAN_THRESHOLD, P ≥ PROTOCOL_SCAN_THRESHOLD, or D ≥ DL1_UNIQUE_HOSTS. Its level is
// then the larger of the packet-count band (5/15/150/1500/10000) and the sweep band (10/20/50/100/500).

/** Returns 1 + how many of thresholds[1..4] `value` reaches: the band of a value already past the gate. */
export function band(value: number, thresholds: readonly number[]): number {
  let level = 1
  for (let k = 1; k < thresholds.length; k++) if (value >= thresholds[k]!) level = k + 1
  return level
}

/** True when D destinations make a sweep (DL1_UNIQUE_HOSTS = 0 switches sweeps off). */
export function isSweepWide(d: number, s: DetectionSettings): boolean {
  const min = s.uniqueHosts[0]!
  return min > 0 && d >= min
}

/** Returns the port range R of psad's model: hi − lo when the pair has ports, else the packet count. */
export function portRange(lo: number, hi: number, packets: number): number {
  return hi > 0 ? hi - lo : packets
}

/** Returns the danger level (0-5) one pair gives its source; 0 when it is not (yet) a scan. */
export function pairLevel(n: number, r: number, p: number, d: number, s: DetectionSettings): number {
  const sweep = isSweepWide(d, s)
  if (n < s.dangerLevels[0]! && !sweep) return 0
  if (!(r >= s.portRangeScanThreshold || p >= s.protocolScanThreshold || sweep)) return 0
  const count = band(n, s.dangerLevels)
  const width = s.uniqueHosts[0]! > 0 ? band(d, s.uniqueHosts) : 1
  return count > width ? count : width
}
