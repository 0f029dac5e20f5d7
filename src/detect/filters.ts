import type { DetectionSettings, FilterSettings } from '../config/settings.js'
import { containsAddress } from '../parse/address.js'
import type { Packet } from '../parse/packet.js'
import { hasAckOrRst, isConntrackLeftover } from './classifier.js'
import type { FieldCriterion } from './fields.js'

/** Why a parsed packet was not analysed; each is a counter in every report. */
export type FilterReason =
  | 'ignored-prefix'
  | 'ignored-interface'
  | 'fw-msg-search'
  | 'ipv6-disabled'
  | 'ignored-protocol'
  | 'conntrack'
  | 'conntrack-leftover'
  | 'ignored-port'
  | 'restrict-ip'
  | 'time-range'
  | 'fields'

/**
 * psad's line filters in psad's order (docs/psad-model.md §1), then ours: --restrict-ip, --since/--until
 * on event time, --fields. Compiled once; `check` returns the first reason that drops the packet.
 */
export class PacketFilter {
  /** The line text is only needed for FW_MSG_SEARCH; otherwise check() may be given ''. */
  readonly needsLine: boolean
  private readonly fwSearch: RegExp[]
  private readonly ignoreProtocols: Set<number>
  private readonly ignoreInterfaces: Set<string>

  constructor(
    private readonly f: FilterSettings,
    private readonly d: DetectionSettings,
    private readonly fields: readonly FieldCriterion[],
    /** True for an fwsnort SID found in the loaded Snort rules (such packets skip psad's line filters). */
    private readonly knownSid: (sid: number) => boolean = () => false,
  ) {
    const patterns = f.fwMsgSearch.length > 0 ? f.fwMsgSearch : ['DROP']
    this.fwSearch = patterns.map((p) => new RegExp(p))
    this.needsLine = !f.fwSearchAll
    this.ignoreProtocols = new Set(f.ignoreProtocols)
    this.ignoreInterfaces = new Set(f.ignoreInterfaces)
  }

  /** Returns null when the packet is to be analysed, else the reason it is not. */
  check(p: Packet, line: string): FilterReason | null {
    const f = this.f
    if (f.ignoreLogPrefixes !== null && p.prefix !== '' && f.ignoreLogPrefixes.test(p.prefix)) return 'ignored-prefix'
    if (this.ignoreInterfaces.size > 0 && this.ignoreInterfaces.has(p.inIf !== '' ? p.inIf : p.outIf)) return 'ignored-interface'
    const fwsnort = p.fwsnortSid >= 0 && this.knownSid(p.fwsnortSid)
    if (!f.fwSearchAll && !fwsnort && !this.fwSearch.some((re) => re.test(line))) return 'fw-msg-search'
    if (p.ipv6 && !f.ipv6) return 'ipv6-disabled'
    if (this.ignoreProtocols.has(p.proto)) return 'ignored-protocol'
    if (!fwsnort) {
      if (this.d.conntrack === 'ignore' && hasAckOrRst(p)) return 'conntrack'
      if (this.d.conntrack === 'auto' && isConntrackLeftover(p, this.d)) return 'conntrack-leftover'
    }
    if (p.dport >= 0) {
      for (const r of f.ignorePorts) {
        if ((r.proto === -1 || r.proto === p.proto) && p.dport >= r.lo && p.dport <= r.hi) return 'ignored-port'
      }
    }
    if (f.restrictIp.length > 0) {
      const inside = f.restrictIp.some((net) => containsAddress(net, p.ipv6 ? p.src : '', p.srcNum) || containsAddress(net, p.ipv6 ? p.dst : '', p.dstNum))
      if (!inside) return 'restrict-ip'
    }
    if (f.since !== null || f.until !== null) {
      if (!Number.isFinite(p.time)) return 'time-range'
      if (f.since !== null && p.time < f.since) return 'time-range'
      if (f.until !== null && p.time >= f.until) return 'time-range'
    }
    for (const c of this.fields) if (!c.test(p)) return 'fields'
    return null
  }
}
