import type { SnortRuleInfo } from '../../config/snort-rules.js'
import type { Signature } from './types.js'

// A packet logged by an fwsnort rule (`SID<n>` in its prefix) is a Snort rule match made by the
// firewall itself. It is reported like a signature hit, with the Snort rule's message; one Signature
// record per SID and danger level, made on first use.

const cache = new Map<string, Signature>()

const ANY = { any: true, negate: false } as const

/** Returns the Signature record for an fwsnort SID (message and class from the Snort rule). */
export function fwsnortSignature(info: SnortRuleInfo, dl: number): Signature {
  const key = `${info.sid}:${dl}`
  let sig = cache.get(key)
  if (sig === undefined) {
    const proto = info.proto === 'tcp' || info.proto === 'udp' || info.proto === 'icmp' ? info.proto : 'ip'
    sig = {
      key: `fwsnort:${info.sid}`, sid: info.sid, psadId: null, msg: info.msg, proto,
      src: { ...ANY, nets: [] }, sport: { ...ANY, ranges: [] }, dst: { ...ANY, nets: [] }, dport: { ...ANY, ranges: [] },
      bidirectional: false, dl, classtype: info.classtype, references: info.references.map((r) => `${r.system},${r.id}`),
      flags: null, established: false, dsize: null, ipLen: null, ttl: null, ipId: null, seq: null, ack: null, window: null,
      itype: null, icode: null, icmpId: null, icmpSeq: null, ipopt: null, sameip: false, samples: [], file: info.entry, line: 0,
    }
    cache.set(key, sig)
  }
  return sig
}
