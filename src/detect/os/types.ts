// Shapes shared by the OS-fingerprint grammars, matchers and the per-source state.

/** A numeric pf.os field: `*`, a literal, or `%n` (any multiple of n). */
export type NumTest =
  | { readonly kind: 'any' }
  | { readonly kind: 'eq'; readonly n: number }
  | { readonly kind: 'mod'; readonly n: number }

/** The pf.os window field: a NumTest, `Sn` (n × MSS) or `Tn` (n × MTU). */
export type WindowTest = NumTest | { readonly kind: 'mss'; readonly n: number } | { readonly kind: 'mtu'; readonly n: number }

/** One position of a pf.os option list. `T` wants a non-zero TSval, `T0` a zero one (p0f v2). */
export type OptTest =
  | { readonly kind: 'N' | 'E' | 'S' }
  | { readonly kind: 'T'; readonly zero: boolean }
  | { readonly kind: 'M' | 'W'; readonly value: NumTest }
  | { readonly kind: '?'; readonly code: number }

/** One p0f v2 SYN signature line. */
export interface P0fEntry {
  readonly file: string
  readonly line: number
  readonly window: WindowTest
  /** Initial TTL (hop limit for IPv6). */
  readonly ttl: number
  /** Required DF bit; null for `*`. Not compared for IPv6, which has no DF bit. */
  readonly df: boolean | null
  /** IPv4-equivalent total length of the SYN (IPv6: LEN − 20). */
  readonly size: NumTest
  readonly options: readonly OptTest[]
  /** Option kinds in wire order (`M,S,T,N,W`; `.` for none): the index key. */
  readonly layout: string
  readonly genre: string
  readonly version: string
  readonly subtype: string
  readonly description: string
  /** Genre prefix `@`: an approximate match for a group of systems. */
  readonly generic: boolean
  /** Genre prefix `*`: a userland stack (scanner) whose TTL is randomised. */
  readonly userland: boolean
  /** What a report shows: the description, else genre/version/subtype. */
  readonly label: string
  /** How many fields pin a value; higher wins among equally ranked matches. */
  readonly specificity: number
  /** `#sample` comment lines (kernel LOG bodies) placed before the entry. */
  readonly samples: readonly string[]
}

export type PosfId = 'SMALLINCR' | 'RANDOM'

/** One posf block (`OS name; NUMPKTS n; TOS 0x..; LEN n; TTL n; ID …; WINDOW n;`). */
export interface PosfEntry {
  readonly file: string
  readonly line: number
  readonly name: string
  /** Name starts with `*`: a userland scanner (our extension; TTL only bounded above). */
  readonly scanner: boolean
  readonly numPkts: number
  /** Parsed but not compared, as in psad: TOS on SYNs depends on the application, not the stack. */
  readonly tos: number
  readonly len: number
  readonly ttl: number
  readonly id: PosfId
  readonly window: number
  readonly samples: readonly string[]
}

export type OsMethod = 'p0f' | 'posf'

/** One guess for a source, best first in `osGuesses`. */
export interface OsGuess {
  os: string
  method: OsMethod
  /** The SYNs came from a scanner's raw-packet stack (nmap, masscan, ZMap …), not an OS. */
  scanner: boolean
  /** An `@` group signature matched, not an exact one. */
  generic: boolean
  /** SYNs that produced this guess (posf: SYNs accumulated). */
  packets: number
  /** `file:line` of the signature. */
  signature: string
  /** Other signatures that matched equally well (labels), when the choice was a tie. */
  alsoMatched: string[]
}
