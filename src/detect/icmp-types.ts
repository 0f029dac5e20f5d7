// ICMP and ICMPv6 type/code validity, from IANA's "ICMP Type Numbers" and "ICMPv6 Parameters"
// registries. `codes: null` means the registry defines sub-codes we do not enumerate (any code is
// valid); deprecated types without listed codes accept code 0 only. Reserved and unassigned types are
// invalid. Unlike psad we know ICMPv6 137 (Redirect) and 143 (MLDv2 Report) — psad flags both.

interface IcmpType {
  name: string
  codes: readonly number[] | null
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
}

const ZERO = [0] as const

const ICMP4: Record<number, IcmpType> = {
  0: { name: 'Echo Reply', codes: ZERO },
  3: { name: 'Destination Unreachable', codes: range(0, 15) },
  4: { name: 'Source Quench', codes: ZERO },
  5: { name: 'Redirect', codes: range(0, 3) },
  6: { name: 'Alternate Host Address', codes: ZERO },
  8: { name: 'Echo Request', codes: ZERO },
  9: { name: 'Router Advertisement', codes: [0, 16] },
  10: { name: 'Router Solicitation', codes: ZERO },
  11: { name: 'Time Exceeded', codes: [0, 1] },
  12: { name: 'Parameter Problem', codes: [0, 1, 2] },
  13: { name: 'Timestamp', codes: ZERO },
  14: { name: 'Timestamp Reply', codes: ZERO },
  15: { name: 'Information Request', codes: ZERO },
  16: { name: 'Information Reply', codes: ZERO },
  17: { name: 'Address Mask Request', codes: ZERO },
  18: { name: 'Address Mask Reply', codes: ZERO },
  30: { name: 'Traceroute', codes: ZERO },
  31: { name: 'Datagram Conversion Error', codes: ZERO },
  32: { name: 'Mobile Host Redirect', codes: ZERO },
  33: { name: 'IPv6 Where-Are-You', codes: ZERO },
  34: { name: 'IPv6 I-Am-Here', codes: ZERO },
  35: { name: 'Mobile Registration Request', codes: ZERO },
  36: { name: 'Mobile Registration Reply', codes: ZERO },
  37: { name: 'Domain Name Request', codes: ZERO },
  38: { name: 'Domain Name Reply', codes: ZERO },
  39: { name: 'SKIP', codes: ZERO },
  40: { name: 'Photuris', codes: range(0, 5) },
  41: { name: 'Experimental Mobility', codes: null },
  42: { name: 'Extended Echo Request', codes: ZERO },
  43: { name: 'Extended Echo Reply', codes: range(0, 4) },
  253: { name: 'RFC 3692 Experiment 1', codes: null },
  254: { name: 'RFC 3692 Experiment 2', codes: null },
}

const ICMP6: Record<number, IcmpType> = {
  1: { name: 'Destination Unreachable', codes: range(0, 8) },
  2: { name: 'Packet Too Big', codes: ZERO },
  3: { name: 'Time Exceeded', codes: [0, 1] },
  4: { name: 'Parameter Problem', codes: range(0, 10) },
  100: { name: 'Private Experimentation', codes: null },
  101: { name: 'Private Experimentation', codes: null },
  128: { name: 'Echo Request', codes: ZERO },
  129: { name: 'Echo Reply', codes: ZERO },
  130: { name: 'Multicast Listener Query', codes: ZERO },
  131: { name: 'Multicast Listener Report', codes: ZERO },
  132: { name: 'Multicast Listener Done', codes: ZERO },
  133: { name: 'Router Solicitation', codes: ZERO },
  134: { name: 'Router Advertisement', codes: ZERO },
  135: { name: 'Neighbor Solicitation', codes: ZERO },
  136: { name: 'Neighbor Advertisement', codes: ZERO },
  137: { name: 'Redirect', codes: ZERO },
  138: { name: 'Router Renumbering', codes: [0, 1, 255] },
  139: { name: 'Node Information Query', codes: [0, 1, 2] },
  140: { name: 'Node Information Response', codes: [0, 1, 2] },
  141: { name: 'Inverse ND Solicitation', codes: ZERO },
  142: { name: 'Inverse ND Advertisement', codes: ZERO },
  143: { name: 'MLDv2 Listener Report', codes: ZERO },
  144: { name: 'Home Agent Address Discovery Request', codes: ZERO },
  145: { name: 'Home Agent Address Discovery Reply', codes: ZERO },
  146: { name: 'Mobile Prefix Solicitation', codes: ZERO },
  147: { name: 'Mobile Prefix Advertisement', codes: ZERO },
  148: { name: 'Certification Path Solicitation', codes: ZERO },
  149: { name: 'Certification Path Advertisement', codes: ZERO },
  150: { name: 'Experimental Mobility', codes: null },
  151: { name: 'Multicast Router Advertisement', codes: ZERO },
  152: { name: 'Multicast Router Solicitation', codes: ZERO },
  153: { name: 'Multicast Router Termination', codes: ZERO },
  154: { name: 'FMIPv6', codes: null },
  155: { name: 'RPL Control', codes: null },
  156: { name: 'ILNPv6 Locator Update', codes: ZERO },
  157: { name: 'Duplicate Address Request', codes: null },
  158: { name: 'Duplicate Address Confirmation', codes: null },
  159: { name: 'MPL Control', codes: ZERO },
  160: { name: 'Extended Echo Request', codes: ZERO },
  161: { name: 'Extended Echo Reply', codes: range(0, 4) },
  200: { name: 'Private Experimentation', codes: null },
  201: { name: 'Private Experimentation', codes: null },
}

export type IcmpVerdict = 'ok' | 'bad-type' | 'bad-code'

/** Returns whether an ICMP (v6 = false) or ICMPv6 type/code pair is assigned by IANA. */
export function checkIcmp(v6: boolean, type: number, code: number): IcmpVerdict {
  const t = (v6 ? ICMP6 : ICMP4)[type]
  if (t === undefined) return 'bad-type'
  if (t.codes === null || t.codes.includes(code)) return 'ok'
  return 'bad-code'
}

/** Returns IANA's name for an ICMP or ICMPv6 type, or null when unassigned. */
export function icmpTypeName(v6: boolean, type: number): string | null {
  return (v6 ? ICMP6 : ICMP4)[type]?.name ?? null
}
