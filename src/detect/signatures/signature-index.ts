import { type Packet, PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../../parse/packet.js'
import { signatureMatches } from './match.js'
import type { PortSpec, Signature } from './types.js'

// psad walks every address/port bucket for every packet. Here a packet is only checked against the
// rules that can apply to its protocol and port: rules with a small positive destination-port set are
// filed under each of those ports (and, for `<>` rules, under the same ports as source port), ICMP
// rules under their type; the rest (any port, negated sets, wide ranges) are checked for every packet
// of the protocol. `ip` rules are checked for every packet.

const MAX_INDEXED_PORTS = 4096

interface ProtoTable {
  byPort: Map<number, Signature[]>
  byReversePort: Map<number, Signature[]>
  generic: Signature[]
}

function table(): ProtoTable {
  return { byPort: new Map(), byReversePort: new Map(), generic: [] }
}

function portCount(spec: PortSpec): number {
  if (spec.any || spec.negate) return Infinity
  return spec.ranges.reduce((n, r) => n + r.hi - r.lo + 1, 0)
}

function file(map: Map<number, Signature[]>, key: number, sig: Signature): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [sig])
  else list.push(sig)
}

/** Signatures filed by protocol and port so each packet meets only its candidates. */
export class SignatureIndex {
  readonly size: number
  private readonly tcp = table()
  private readonly udp = table()
  private readonly icmp = table()
  private readonly ip: Signature[] = []
  private readonly stamp = new Map<Signature, number>()
  private serial = 0

  constructor(signatures: readonly Signature[]) {
    this.size = signatures.length
    for (const sig of signatures) {
      if (sig.proto === 'ip') {
        this.ip.push(sig)
        continue
      }
      if (sig.proto === 'icmp') {
        const t = sig.itype
        if (t !== null && !t.negate && t.hi - t.lo < 16) for (let v = t.lo; v <= t.hi; v++) file(this.icmp.byPort, v, sig)
        else this.icmp.generic.push(sig)
        continue
      }
      const tab = sig.proto === 'tcp' ? this.tcp : this.udp
      if (portCount(sig.dport) > MAX_INDEXED_PORTS) {
        tab.generic.push(sig)
        continue
      }
      for (const r of sig.dport.ranges) {
        for (let p = r.lo; p <= r.hi; p++) {
          file(tab.byPort, p, sig)
          if (sig.bidirectional) file(tab.byReversePort, p, sig)
        }
      }
    }
  }

  /** Appends to `out` every signature the packet matches; returns how many were appended. */
  match(pkt: Packet, out: Signature[]): number {
    const before = out.length
    const serial = ++this.serial
    const check = (list: readonly Signature[] | undefined): void => {
      if (list === undefined) return
      for (const sig of list) {
        if (this.stamp.get(sig) === serial) continue
        this.stamp.set(sig, serial)
        if (signatureMatches(sig, pkt)) out.push(sig)
      }
    }
    switch (pkt.proto) {
      case PROTO_TCP:
      case PROTO_UDP: {
        const tab = pkt.proto === PROTO_TCP ? this.tcp : this.udp
        check(tab.generic)
        check(tab.byPort.get(pkt.dport))
        check(tab.byReversePort.get(pkt.sport))
        break
      }
      case PROTO_ICMP:
        check(this.icmp.generic)
        check(this.icmp.byPort.get(pkt.icmpType))
        break
    }
    check(this.ip)
    return out.length - before
  }
}
