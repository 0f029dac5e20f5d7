import { type Packet, PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../../parse/packet.js'
import { compileSignature, runProgram, type MatchProgram } from './match.js'
import type { PortSpec, Signature } from './types.js'

// psad walks every address/port bucket for every packet. Here a packet is only checked against the
// rules that can apply to its protocol and port: rules with a small positive destination-port set are
// filed under each of those ports (and, for `<>` rules, under the same ports as source port), ICMP
// rules under their type; the rest (any port, negated sets, wide ranges) are checked for every packet
// of the protocol. `ip` rules are checked for every packet.

const MAX_INDEXED_PORTS = 4096

// A signature as filed in the index; `stamp` is the serial of the last packet that checked it, so a
// rule filed under both the destination and the reverse-port table is checked once per packet.
interface Entry {
  sig: Signature
  prog: MatchProgram
  stamp: number
}

interface ProtoTable {
  byPort: Map<number, Entry[]>
  byReversePort: Map<number, Entry[]>
  generic: Entry[]
  /** TCP rules for any port that demand one exact flag set (FIN, XMAS, NULL scans…), by that set. */
  byFlags: Map<number, Entry[]>
}

function table(): ProtoTable {
  return { byPort: new Map(), byReversePort: new Map(), generic: [], byFlags: new Map() }
}

function portCount(spec: PortSpec): number {
  if (spec.any || spec.negate) return Infinity
  return spec.ranges.reduce((n, r) => n + r.hi - r.lo + 1, 0)
}

function file(map: Map<number, Entry[]>, key: number, sig: Entry): void {
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
  private readonly ip: Entry[] = []
  /** `ip` rules that need IPv4 options: only packets with logged options meet them. */
  private readonly ipWithOptions: Entry[] = []
  private serial = 0
  private byKeyMap: Map<string, Signature> | null = null

  constructor(private readonly signatures: readonly Signature[]) {
    this.size = signatures.length
    for (const sig of signatures) {
      const entry: Entry = { sig, prog: compileSignature(sig), stamp: 0 }
      if (sig.proto === 'ip') {
        if (sig.ipopt !== null) this.ipWithOptions.push(entry)
        else this.ip.push(entry)
        continue
      }
      if (sig.proto === 'icmp') {
        const t = sig.itype
        if (t !== null && !t.negate && t.hi - t.lo < 16) for (let v = t.lo; v <= t.hi; v++) file(this.icmp.byPort, v, entry)
        else this.icmp.generic.push(entry)
        continue
      }
      const tab = sig.proto === 'tcp' ? this.tcp : this.udp
      if (portCount(sig.dport) > MAX_INDEXED_PORTS) {
        // The flags of a TCP packet are one of 256 values: an exact test files the rule under them,
        // so a SYN scan is not checked against every FIN/XMAS/NULL rule.
        if (sig.flags !== null && sig.flags.mode === 'exact' && !sig.established) {
          // Every flag value the rule accepts: its bits plus any combination of the ignored ones.
          const ignore = sig.flags.ignore & 0xff
          for (let extra = ignore; ; extra = (extra - 1) & ignore) {
            file(tab.byFlags, (sig.flags.bits & ~ignore) | extra, entry)
            if (extra === 0) break
          }
        } else tab.generic.push(entry)
        continue
      }
      for (const r of sig.dport.ranges) {
        for (let p = r.lo; p <= r.hi; p++) {
          file(tab.byPort, p, entry)
          if (sig.bidirectional) file(tab.byReversePort, p, entry)
        }
      }
    }
  }

  /** Returns the signature with this key (`sid:621`, `psad_id:100210`), or undefined. */
  byKey(key: string): Signature | undefined {
    this.byKeyMap ??= new Map(this.signatures.map((s) => [s.key, s]))
    return this.byKeyMap.get(key)
  }

  /** Appends to `out` every signature the packet matches; returns how many were appended. */
  match(pkt: Packet, out: Signature[]): number {
    const before = out.length
    const serial = ++this.serial
    switch (pkt.proto) {
      case PROTO_TCP:
      case PROTO_UDP: {
        const tab = pkt.proto === PROTO_TCP ? this.tcp : this.udp
        check(tab.generic, pkt, serial, out)
        if (tab.byFlags.size > 0) check(tab.byFlags.get(pkt.flags), pkt, serial, out)
        check(tab.byPort.get(pkt.dport), pkt, serial, out)
        if (tab.byReversePort.size > 0) check(tab.byReversePort.get(pkt.sport), pkt, serial, out)
        break
      }
      case PROTO_ICMP:
        check(this.icmp.generic, pkt, serial, out)
        check(this.icmp.byPort.get(pkt.icmpType), pkt, serial, out)
        break
    }
    check(this.ip, pkt, serial, out)
    if (!pkt.ipv6 && pkt.ipOpts !== '') check(this.ipWithOptions, pkt, serial, out)
    return out.length - before
  }
}

function check(list: readonly Entry[] | undefined, pkt: Packet, serial: number, out: Signature[]): void {
  if (list === undefined) return
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!
    if (e.stamp === serial) continue
    e.stamp = serial
    if (runProgram(e.prog, pkt)) out.push(e.sig)
  }
}
