import type { SigProto, Signature } from './types.js'

// Saved state names a source's signature hits by key. When the signature set was changed between runs
// and a key is gone, the hit keeps a stand-in that reports what was saved (message, IDs, danger
// level) and never matches a packet: the engine only ever compares hits by key.

/** What saved state keeps of a matched signature. */
export interface SignatureIdentity {
  key: string
  sid: number | null
  psadId: number | null
  msg: string
  proto: SigProto
  dl: number
}

const ANY = { any: true, negate: false } as const

/** Returns a Signature record that reports `id` and matches nothing (it is never indexed). */
export function standInSignature(id: SignatureIdentity): Signature {
  return {
    key: id.key, sid: id.sid, psadId: id.psadId, msg: id.msg, proto: id.proto,
    src: { ...ANY, nets: [] }, sport: { ...ANY, ranges: [] }, dst: { ...ANY, nets: [] }, dport: { ...ANY, ranges: [] },
    bidirectional: false, dl: id.dl, classtype: null, references: [],
    flags: null, established: false, dsize: null, ipLen: null, ttl: null, ipId: null, seq: null, ack: null, window: null,
    itype: null, icode: null, icmpId: null, icmpSeq: null, ipopt: null, sameip: false, samples: [], file: '(saved state)', line: 0,
  }
}
