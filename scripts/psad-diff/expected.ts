import type { ConntrackMode } from '../../src/config/settings.js'
import type { Field, SourceDiff } from './compare.js'

// Differences between psad 2.4.6 and portsleuth that are known and deliberate (psad bugs we do not
// copy, portsleuth features psad lacks). Each entry says how to recognise it:
//  - `variant`: a portsleuth run that imitates psad in exactly this respect. A difference that
//    disappears in that run has this cause. This is the preferred form: it is an experiment, not a guess.
//  - `explains`: a test on the two verdicts, for psad behaviour portsleuth has no switch for.
//  With both, the test must hold and the experiment must confirm it.
// A difference no entry accounts for is "unexpected": a portsleuth bug or a new entry for this list.
// To add auto_dl / reputation cases later, add entries here and cases in captures.ts.

/** What is known about a run when its differences are attributed. */
export interface DiffContext {
  /** psad's ACK/RST handling from the config (IGNORE_CONNTRACK_BUG_PKTS) and the mode portsleuth ran in. */
  psadConntrack: ConntrackMode
  ourConntrack: ConntrackMode
  /** ENABLE_PERSISTENCE from the config. */
  persistence: boolean
  /** Lines psad wrote to its fwerrorlog. */
  psadErrorLines: number
  /** An auto_dl file was in use. */
  autoDl: boolean
}

/** Changes to a portsleuth run (and, for `psadArgs`, to a psad run); all optional, combinable. */
export interface Variant {
  /** Re-run psad with these extra arguments and compare against that run instead. */
  psadArgs?: readonly string[]
  /**
   * Re-run psad with icmp_types/icmp6_types files that accept every type and code. (psad's own
   * --no-icmp-types / --no-icmp6-types only skip loading the file, after which every type is invalid.)
   */
  psadAcceptsAllIcmp?: true
  /** portsleuth --no-icmp-validation. */
  icmpValidation?: false
  overrides?: Readonly<Record<string, string>>
  conntrack?: ConntrackMode
  /** Rewrites each signature rule (a line of the signature file); null drops it. */
  rule?: (rule: string) => string | null
  /** Drop the input lines psad rejected as unparsable. */
  withoutPsadErrors?: boolean
  /** Drop the lines of packets the logging host sent (`IN= OUT=…`) from both tools' input. */
  withoutOutbound?: true
  /** portsleuth --include-allowed. */
  includeAllowed?: true
  /** portsleuth --no-flood-scoring. */
  floodScoring?: false
}

export interface ExpectedDifference {
  id: string
  /** One line: what psad does, what portsleuth does. */
  reason: string
  fields: readonly Field[]
  /** Whether this cause can occur in a run at all. */
  applies: (ctx: DiffContext) => boolean
  variant?: (ctx: DiffContext) => Variant
  explains?: (d: SourceDiff, ctx: DiffContext) => boolean
}

// psad keys an invalid ICMP record by type (and code); the side with the higher DL flagged something
// the other side considers valid.
function icmpTablesExplain(d: SourceDiff): boolean {
  const p = d.psad
  const o = d.ours
  const pdl = p?.dl ?? 0
  const odl = o?.dl ?? 0
  const [hi, lo] = pdl > odl ? [p, o] : [o, p]
  if (hi === null || Math.max(pdl, odl) !== 2) return false
  const other = lo?.invalidIcmp ?? new Set<string>()
  return [...hi.invalidIcmp].some((k) => !other.has(k))
}

// Rewrites an ICMP rule's dsize so that portsleuth's payload size (LEN - 28) selects the packets psad's
// estimate (LEN - 24) selects: every bound moves down by 4; a rule that then needs a negative size can
// never match a real ICMP packet under psad and is dropped.
function psadIcmpDsize(rule: string): string | null {
  if (!/^\s*alert\s+icmp\b/.test(rule)) return rule
  let dead = false
  const out = rule.replace(/([\s;(])((?:psad_)?dsize):\s*([^;]*);/g, (_all, pre: string, key: string, value: string) => {
    const v = value.trim()
    let m: RegExpExecArray | null
    if ((m = /^(\d+)$/.exec(v)) !== null) {
      const n = Number(m[1]) - 4
      if (n < 0) dead = true
      return `${pre}${key}:${Math.max(0, n)};`
    }
    if ((m = /^(>=?|<=?)\s*(\d+)$/.exec(v)) !== null) return `${pre}${key}:${m[1]}${Math.max(0, Number(m[2]) - 4)};`
    if ((m = /^(\d+):(\d+)$/.exec(v)) !== null) return `${pre}${key}:${Math.max(0, Number(m[1]) - 4)}:${Math.max(0, Number(m[2]) - 4)};`
    return `${pre}${key}:${v};`
  })
  return dead ? null : out
}

const DEAD_RULE = /\b(icmp_id|icmp_seq):|[\s;(]flags:\s*0\s*;/

export const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    id: 'time-windows',
    reason: 'portsleuth scores each (source, destination) pair in windows that close after SCAN_TIMEOUT s without packets (log time); psad -A scores the whole file as one batch',
    fields: ['dl', 'ports', 'signatures'],
    applies: (c) => !c.persistence,
    variant: () => ({ overrides: { ENABLE_PERSISTENCE: 'Y' } }),
  },
  {
    id: 'conntrack-auto',
    reason: 'psad drops every TCP packet with ACK or RST (IGNORE_CONNTRACK_BUG_PKTS Y); portsleuth --conntrack auto drops only stateful-firewall leftovers and scores ACK/RST probes',
    fields: ['dl', 'ports', 'signatures', 'packets'],
    applies: (c) => c.ourConntrack !== c.psadConntrack,
    variant: (c) => ({ conntrack: c.psadConntrack }),
  },
  {
    id: 'psad-parse-errors',
    reason: 'psad 2.4.6 rejects lines portsleuth reads (compressed IPv6, IPv4 UDPLITE, IPv6 UDP/ICMPv6 after extension headers, IPv6 TCP with SEQ=, PROTO=ESP/AH, flags CWR/ECE only) into its fwerrorlog',
    fields: ['dl', 'ports', 'signatures', 'packets'],
    applies: (c) => c.psadErrorLines > 0,
    variant: () => ({ withoutPsadErrors: true }),
  },
  {
    id: 'psad-dead-signatures',
    reason: 'psad never matches rules with icmp_id/icmp_seq (it reads CODE as the ICMP id and the id as the sequence) or flags:0 (not translated to NULL); portsleuth does',
    fields: ['dl', 'signatures'],
    applies: () => true,
    variant: () => ({ rule: (rule) => (DEAD_RULE.test(rule) ? null : rule) }),
  },
  {
    id: 'payload-estimate',
    reason: 'psad estimates an ICMP payload as IP LEN - 24 (4 bytes too many; ICMP PING NMAP dsize:0 never matches a real nmap ping) and ignores logged IP/TCP option lengths; portsleuth uses LEN - 28 and the logged lengths',
    fields: ['dl', 'signatures'],
    applies: () => true,
    variant: () => ({ rule: psadIcmpDsize }),
  },
  {
    id: 'psad-one-way-bidirectional',
    reason: "psad matches a '<>' rule only in its written direction (e.g. P2P Napster sid 563 needs DPT=6666, SPT=6666 is missed); portsleuth matches both directions",
    fields: ['dl', 'signatures'],
    applies: () => true,
    variant: () => ({ rule: (rule) => rule.replace(/\s<>\s/, ' -> ') }),
  },
  {
    id: 'icmp-type-tables',
    reason: "psad's icmp_types/icmp6_types predate IANA (ICMP 37/38/41-43, ICMPv6 100/101/148+, newer codes) and misparse ICMPv6 137 / lack 143, so it flags valid types as invalid (DL 2)",
    fields: ['dl'],
    applies: () => true,
    explains: icmpTablesExplain,
    // Confirmed by running both tools without ICMP type/code validation.
    variant: () => ({ psadAcceptsAllIcmp: true, icmpValidation: false }),
  },
  {
    id: 'flood-scoring',
    reason: 'psad gives a flood on one port (R = 0) no scan danger level; portsleuth scores a window of DANGER_LEVEL3+ packets to one port by the packet bands and reports a flood finding (--no-flood-scoring: off)',
    fields: ['dl'],
    applies: () => true,
    variant: () => ({ floodScoring: false }),
  },
  {
    id: 'outbound-not-scored',
    reason: 'psad scores packets the host itself sent (IN= empty, OUT= set) like inbound ones; portsleuth counts them as outbound traffic and never lists, alerts on or blocks their source',
    fields: ['dl', 'ports', 'signatures', 'packets'],
    applies: () => true,
    variant: () => ({ withoutOutbound: true }),
  },
  {
    id: 'allowed-not-scored',
    reason: 'psad (FW_SEARCH_ALL Y) scores every logged packet; portsleuth sets aside packets whose log prefix says the firewall allowed or only audited them (ACCEPT, [UFW ALLOW], [UFW AUDIT]) unless --include-allowed',
    fields: ['dl', 'ports', 'signatures', 'packets'],
    applies: () => true,
    variant: () => ({ includeAllowed: true }),
  },
  {
    id: 'psad-counts-ignored',
    reason: "psad's per-source packet count includes packets an auto_dl DL-0 entry or a DL-0 signature later ignores",
    fields: ['packets'],
    applies: (c) => c.autoDl,
    explains: (d) => (d.psad?.packets ?? 0) > (d.ours?.packets ?? 0),
  },
]

/** Classifies a line psad rejected, for the report (why psad could not read it). */
export function psadErrorKind(line: string): string {
  if (/(SRC|DST)=\S*::/.test(line)) return 'compressed IPv6 address'
  if (/HOPLIMIT=.*OPT \(.*PROTO=(UDP|UDPLITE|ICMPv6)\b/.test(line)) return 'IPv6 UDP/ICMPv6 after extension headers'
  if (/TOS=.*PROTO=UDPLITE\b/.test(line)) return 'IPv4 UDPLITE'
  if (/PROTO=(ESP|AH)\b/.test(line)) return 'PROTO=ESP/AH'
  if (/PROTO=\w+ INCOMPLETE/.test(line)) return 'INCOMPLETE transport header'
  if (/HOPLIMIT=.*PROTO=TCP .*SEQ=/.test(line)) return 'IPv6 TCP with SEQ=/ACK='
  if (/RES=0x\w\w (CWR |ECE )+URGP=/.test(line)) return 'TCP flags with only CWR/ECE'
  return 'other'
}
