import type { ReportV1 } from '../../src/report/model.js'
import { canonicalIP } from './addresses.js'
import { psadSids, type PsadReport } from './psad-output.js'

// Both tools' verdicts reduced to the same shape, per source, and the comparison of the two.

/** What one tool says about one source. */
export interface Verdict {
  dl: number
  packets: number
  /** Signature ids: the Snort sid when the rule has one, else its psad_id (psad's key). */
  sids: Set<number>
  /** `dst|proto` → `lo-hi` or `p`. */
  ports: Map<string, string>
  /** `4:type:*` (invalid type) or `6:type:code` (invalid code). */
  invalidIcmp: Set<string>
}

/** Fields compared; `packets` is reported but does not count against agreement. */
export type Field = 'dl' | 'signatures' | 'ports' | 'packets'
export const FIELDS: readonly Field[] = ['dl', 'signatures', 'ports', 'packets']

export interface SourceDiff {
  ip: string
  psad: Verdict | null
  ours: Verdict | null
  fields: Field[]
}

export interface Comparison {
  /** Sources listed (DL ≥ MIN_DANGER_LEVEL) by either tool. */
  compared: number
  identicalDl: number
  /** Sources listed by both with every field equal. */
  identical: number
  diffs: SourceDiff[]
}

function rangeText(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`
}

/** Returns psad's verdicts keyed by canonical source address. `icmpTypes` maps psad's type texts to numbers. */
export function psadVerdicts(r: PsadReport, icmpTypes: { v4: Map<string, number>; v6: Map<string, number> }): Map<string, Verdict> {
  const out = new Map<string, Verdict>()
  for (const src of r.sources.values()) {
    const ports = new Map<string, string>()
    const invalid = new Set<string>()
    for (const d of src.destinations.values()) {
      for (const [proto, range] of Object.entries(d.ports)) ports.set(`${d.ip}|${proto}`, rangeText(range.lo, range.hi))
      for (const inv of d.invalidIcmp) {
        const type = inv.type >= 0 ? inv.type : (inv.v6 ? icmpTypes.v6 : icmpTypes.v4).get(inv.typeText ?? '') ?? -1
        invalid.add(`${inv.v6 ? 6 : 4}:${type}:${inv.code ?? '*'}`)
      }
    }
    out.set(src.ip, { dl: src.dl, packets: src.packets, sids: psadSids(src), ports, invalidIcmp: invalid })
  }
  return out
}

/** Returns portsleuth's verdicts keyed by canonical source address. */
export function ourVerdicts(r: ReportV1): Map<string, Verdict> {
  const out = new Map<string, Verdict>()
  for (const s of r.sources) {
    const ports = new Map<string, string>()
    for (const d of s.destinations) {
      const dst = canonicalIP(d.ip)
      if (d.tcpPorts !== null) ports.set(`${dst}|tcp`, d.tcpPorts)
      if (d.udpPorts !== null) ports.set(`${dst}|udp`, d.udpPorts)
      if (d.udplitePorts !== null) ports.set(`${dst}|udplite`, d.udplitePorts)
    }
    const invalid = new Set<string>()
    for (const f of s.findings) {
      if (f.kind !== 'invalid-icmp') continue
      const fam = /ICMPv6/.test(f.message) ? 6 : 4
      const code = /code (\d+) for type (\d+)/.exec(f.message)
      const type = /type (\d+)/.exec(f.message)
      if (code !== null) invalid.add(`${fam}:${code[2]}:${code[1]}`)
      else if (type !== null) invalid.add(`${fam}:${type[1]}:*`)
    }
    const sids = new Set(s.signatures.map((g) => g.sid ?? g.psadId ?? -1))
    out.set(canonicalIP(s.ip), { dl: s.dangerLevel, packets: s.packets, sids, ports, invalidIcmp: invalid })
  }
  return out
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false
  for (const x of a) if (!b.has(x)) return false
  return true
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (b.get(k) !== v) return false
  return true
}

/**
 * True when two verdicts agree on a field. A source one tool does not list has DL 0; the other fields
 * are only compared when both tools list the source (otherwise the DL difference says it all).
 */
export function fieldEqual(field: Field, a: Verdict | null | undefined, b: Verdict | null | undefined): boolean {
  if (field === 'dl') return (a?.dl ?? 0) === (b?.dl ?? 0)
  if (a == null || b == null) return true
  switch (field) {
    case 'signatures': return sameSet(a.sids, b.sids)
    case 'ports': return sameMap(a.ports, b.ports)
    case 'packets': return a.packets === b.packets
  }
  return true
}

/** Compares every source either tool lists. */
export function compareVerdicts(psad: ReadonlyMap<string, Verdict>, ours: ReadonlyMap<string, Verdict>): Comparison {
  const ips = [...new Set([...psad.keys(), ...ours.keys()])].sort()
  const diffs: SourceDiff[] = []
  let identicalDl = 0
  let identical = 0
  for (const ip of ips) {
    const p = psad.get(ip) ?? null
    const o = ours.get(ip) ?? null
    const fields = FIELDS.filter((f) => !fieldEqual(f, p, o))
    if (!fields.includes('dl')) identicalDl++
    if (fields.length === 0) identical++
    else diffs.push({ ip, psad: p, ours: o, fields })
  }
  return { compared: ips.length, identicalDl, identical, diffs }
}

/** Returns the lines of a verdict difference as text (`psad 2 / ours 1`, added/missing sids, ports). */
export function describeField(field: Field, p: Verdict | null, o: Verdict | null): string {
  switch (field) {
    case 'dl': return `DL psad ${p?.dl ?? 0} / ours ${o?.dl ?? 0}`
    case 'packets': return `packets psad ${p?.packets ?? 0} / ours ${o?.packets ?? 0}`
    case 'signatures': {
      const ps = p?.sids ?? new Set<number>()
      const os = o?.sids ?? new Set<number>()
      const onlyP = [...ps].filter((s) => !os.has(s)).sort((a, b) => a - b)
      const onlyO = [...os].filter((s) => !ps.has(s)).sort((a, b) => a - b)
      return `sids only psad [${onlyP.join(',')}] only ours [${onlyO.join(',')}]`
    }
    case 'ports': {
      const pp = p?.ports ?? new Map<string, string>()
      const op = o?.ports ?? new Map<string, string>()
      const keys = [...new Set([...pp.keys(), ...op.keys()])].filter((k) => pp.get(k) !== op.get(k)).sort()
      return `ports ${keys.slice(0, 4).map((k) => `${k} psad ${pp.get(k) ?? '-'} ours ${op.get(k) ?? '-'}`).join('; ')}${keys.length > 4 ? ` (+${keys.length - 4})` : ''}`
    }
  }
}
