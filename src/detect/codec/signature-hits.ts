import type { EngineState } from '../engine.js'
import { fwsnortSignature } from '../signatures/fwsnort.js'
import { standInSignature } from '../signatures/stand-in.js'
import type { SigProto, Signature } from '../signatures/types.js'
import type { SignatureHit } from '../state.js'
import { corrupt, count, list, num, str } from './check.js'

// A source's signature hits are saved by key with what a report shows of the signature, and come
// back as this run's signature of that key: from the signature index, or for fwsnort hits
// (`fwsnort:<sid>`) from the Snort rules. A key that no longer exists keeps a stand-in, so neither
// the hit's count nor its danger level is lost.
//
// A hit: [key, count, sid | null, psadId | null, msg, proto, dl]

const PROTOS: readonly SigProto[] = ['tcp', 'udp', 'icmp', 'ip']
const FWSNORT = 'fwsnort:'

/** Returns the saved form of a source's signature hits, in first-match order. */
export function encodeHits(hits: readonly SignatureHit[]): unknown[] {
  return hits.map(({ sig, count }) => [sig.key, count, sig.sid, sig.psadId, sig.msg, sig.proto, sig.dl])
}

function current(key: string, engine: EngineState): Signature | undefined {
  if (!key.startsWith(FWSNORT)) return engine.signatures?.byKey(key)
  const sid = Number(key.slice(FWSNORT.length))
  const info = engine.lists.snortRules?.get(sid)
  const dl = engine.lists.snortRuleDl?.get(sid)?.dl ?? 2
  // A rule now at DL 0 drops its packets: the saved hit keeps what it was.
  return info === undefined || dl === 0 ? undefined : fwsnortSignature(info, dl)
}

const nullableNum = (v: unknown, where: string, what: string): number | null => (v === null ? null : num(v, where, what))

/** Returns the hits a saved list describes, resolved against this run's signatures. */
export function decodeHits(v: unknown, engine: EngineState, where: string): SignatureHit[] {
  return list(v, where, 'signatures').map((e) => {
    const [key, n, sid, psadId, msg, proto, dl] = list(e, where, 'a signature hit', 7)
    const k = str(key, where, 'signature key')
    if (!PROTOS.includes(proto as SigProto)) corrupt(where, `signature ${k} has no protocol`)
    const sig = current(k, engine) ?? standInSignature({
      key: k,
      sid: nullableNum(sid, where, 'sid'),
      psadId: nullableNum(psadId, where, 'psad_id'),
      msg: str(msg, where, 'signature msg'),
      proto: proto as SigProto,
      dl: num(dl, where, 'signature dl'),
    })
    return { sig, count: count(n, where, 'signature count') }
  })
}
