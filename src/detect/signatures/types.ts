import type { Network } from '../../parse/address.js'

/** An inclusive numeric range, optionally negated (`!80`, `1:1023`, `>=130`). */
export interface NumRange {
  lo: number
  hi: number
  negate: boolean
}

/** A port specification: `any`, or a (possibly negated) list of ranges. */
export interface PortSpec {
  any: boolean
  negate: boolean
  ranges: ReadonlyArray<{ lo: number; hi: number }>
}

/** An address specification: `any`, or a (possibly negated) list of networks. */
export interface AddrSpec {
  any: boolean
  negate: boolean
  nets: readonly Network[]
}

/** Snort `flags:` — bits, the bits to ignore (`,12`), and the modifier (none = exact). */
export interface FlagTest {
  bits: number
  ignore: number
  mode: 'exact' | 'all' | 'any' | 'not'
}

export type SigProto = 'tcp' | 'udp' | 'icmp' | 'ip'

/** One header-only rule of a psad signature file, compiled for matching. */
export interface Signature {
  /** `sid:621` or `psad_id:100210`: how the rule is keyed and reported. */
  key: string
  sid: number | null
  psadId: number | null
  msg: string
  proto: SigProto
  src: AddrSpec
  sport: PortSpec
  dst: AddrSpec
  dport: PortSpec
  bidirectional: boolean
  dl: number
  classtype: string | null
  references: readonly string[]
  flags: FlagTest | null
  established: boolean
  dsize: NumRange | null
  ipLen: NumRange | null
  ttl: NumRange | null
  ipId: NumRange | null
  seq: NumRange | null
  ack: NumRange | null
  window: NumRange | null
  itype: NumRange | null
  icode: NumRange | null
  icmpId: NumRange | null
  icmpSeq: NumRange | null
  /** IPv4 option type that must be present, -2 for `any`, null when not tested. */
  ipopt: number | null
  sameip: boolean
  /** `# sample:` log lines written above the rule. */
  samples: readonly string[]
  file: string
  line: number
}
