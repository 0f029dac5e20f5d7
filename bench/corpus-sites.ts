import { HeadFormatter, ipv4, ipv6Full, ipv6Short, type HeadStyle } from './corpus-render.js'

// The logging hosts of the synthetic network. Each host has one syslog format and one firewall
// front-end, as real machines do: fw1 is a plain iptables box logging to rsyslog's classic format with
// the kernel uptime, gw a Shorewall router on rsyslog's RFC 3339 template that also forwards to an
// inside network, web1 an Ubuntu server behind ufw. The extra hosts exist only outside
// --psad-compatible: edge (nftables, forwarded as RFC 5424), ulog (ulogd LOGEMU: no `kernel:` tag,
// inet_ntop-compressed IPv6), nas (busybox syslogd: ISO time without fraction or zone).

export type Chain = 'INPUT' | 'FORWARD' | 'OUTPUT'

export interface SiteSpec {
  host: string
  style: HeadStyle
  prefix: Record<Chain, string>
  inIf: string
  fwdIf: string | null
  /** Own IPv4 addresses (INPUT targets) and, for routers, the inside network (FORWARD targets). */
  v4: readonly number[]
  insideV4: readonly [number, number] | null
  /** Own IPv6 addresses as 8 groups. */
  v6: readonly (readonly number[])[]
  /** The rule logs TCP options (--log-tcp-options) / sequence numbers (--log-tcp-sequence) / UID. */
  logOptions: boolean
  logSequence: boolean
  logUid: boolean
  /** Prints IPv6 compressed (a userspace logger), not in the kernel's full form. */
  shortV6: boolean
  /** Share of the traffic this host logs. */
  weight: number
}

const v4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
const range4 = (base: number, n: number): number[] => Array.from({ length: n }, (_, i) => base + i)

const SITES: readonly SiteSpec[] = [
  {
    host: 'fw1', style: 'bsd-uptime', prefix: { INPUT: 'DROP ', FORWARD: 'DROP ', OUTPUT: 'OUT DROP ' },
    inIf: 'eth0', fwdIf: null, v4: range4(v4(192, 0, 2, 1), 30), insideV4: null,
    v6: [[0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], [0x2001, 0xdb8, 0, 1, 0, 0, 0, 0x25], [0x2001, 0xdb8, 0, 1, 0x21b, 0xb9ff, 0xfe76, 0x9ce4]],
    logOptions: true, logSequence: false, logUid: false, shortV6: false, weight: 40,
  },
  {
    host: 'gw', style: 'iso', prefix: { INPUT: 'Shorewall:net2fw:DROP:', FORWARD: 'Shorewall:net2loc:DROP:', OUTPUT: 'Shorewall:fw2net:REJECT:' },
    inIf: 'eth0', fwdIf: 'eth1', v4: [v4(198, 51, 100, 1), v4(198, 51, 100, 2)], insideV4: [v4(10, 20, 0, 1), 4000],
    v6: [[0x2001, 0xdb8, 0, 2, 0, 0, 0, 1], [0x2001, 0xdb8, 0, 2, 0, 0, 0, 0x80]],
    logOptions: true, logSequence: true, logUid: false, shortV6: false, weight: 35,
  },
  {
    host: 'web1', style: 'bsd', prefix: { INPUT: '[UFW BLOCK] ', FORWARD: '[UFW BLOCK] ', OUTPUT: '[UFW BLOCK] ' },
    inIf: 'ens3', fwdIf: null, v4: [v4(203, 0, 113, 10)], insideV4: null,
    v6: [[0x2001, 0xdb8, 0, 3, 0, 0, 0, 0x10]],
    logOptions: false, logSequence: false, logUid: true, shortV6: false, weight: 25,
  },
]

const EXTRA_SITES: readonly SiteSpec[] = [
  {
    host: 'edge', style: 'rfc5424', prefix: { INPUT: 'nft-in drop: ', FORWARD: 'nft-fwd drop: ', OUTPUT: 'nft-out drop: ' },
    inIf: 'wan0', fwdIf: 'lan0', v4: range4(v4(203, 0, 113, 65), 20), insideV4: [v4(172, 16, 5, 1), 250],
    v6: [[0x2001, 0xdb8, 0, 4, 0, 0, 0, 1]],
    logOptions: true, logSequence: false, logUid: false, shortV6: false, weight: 8,
  },
  {
    host: 'ulog', style: 'no-tag', prefix: { INPUT: '', FORWARD: '', OUTPUT: '' },
    inIf: 'eth0', fwdIf: null, v4: [v4(203, 0, 113, 200)], insideV4: null,
    v6: [[0x2001, 0xdb8, 0, 5, 0, 0, 0, 1]],
    logOptions: false, logSequence: false, logUid: false, shortV6: true, weight: 4,
  },
  {
    host: 'nas', style: 'iso-bare', prefix: { INPUT: 'DROP ', FORWARD: 'DROP ', OUTPUT: 'DROP ' },
    inIf: 'eth0', fwdIf: null, v4: [v4(203, 0, 113, 220)], insideV4: null,
    v6: [[0x2001, 0xdb8, 0, 6, 0, 0, 0, 1]],
    logOptions: false, logSequence: false, logUid: false, shortV6: false, weight: 4,
  },
]

function macText(seed: number): string {
  const bytes = [0x00, 0x16, 0x3e, (seed >>> 16) & 255, (seed >>> 8) & 255, seed & 255]
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** A logging host: formats the head, prefix and interface part of each of its lines. */
export class Site {
  readonly head: HeadFormatter
  /** Prefix plus `IN= OUT= [MAC=]` per chain, [IPv4, IPv6]. */
  private readonly middle: Record<Chain, readonly [string, string]>

  constructor(readonly spec: SiteSpec, index: number, epochUs: number, uptimeUs: number) {
    this.head = new HeadFormatter(spec.host, spec.style, epochUs, uptimeUs)
    const pair = `${macText(0x100 + index)}:${macText(0x900 + index * 7)}`
    const mac = [`MAC=${pair}:08:00 `, `MAC=${pair}:86:dd `] as const
    const p = spec.prefix
    this.middle = {
      INPUT: [`${p.INPUT}IN=${spec.inIf} OUT= ${mac[0]}`, `${p.INPUT}IN=${spec.inIf} OUT= ${mac[1]}`],
      FORWARD: [`${p.FORWARD}IN=${spec.inIf} OUT=${spec.fwdIf ?? 'eth1'} ${mac[0]}`, `${p.FORWARD}IN=${spec.inIf} OUT=${spec.fwdIf ?? 'eth1'} ${mac[1]}`],
      // Locally generated packets have no link-layer header yet.
      OUTPUT: [`${p.OUTPUT}IN= OUT=${spec.inIf} `, `${p.OUTPUT}IN= OUT=${spec.inIf} `],
    }
  }

  /** Returns a whole log line: head, prefix, `IN= OUT= [MAC=]`, then `body` (SRC= onwards). */
  line(us: number, chain: Chain, v6: boolean, body: string): string {
    return this.head.head(us) + this.middle[chain][v6 ? 1 : 0] + body
  }

  /** Returns an IPv6 address as this host's logger prints it. */
  v6Text(groups: readonly number[]): string {
    return this.spec.shortV6 ? ipv6Short(groups) : ipv6Full(groups)
  }

  /** Returns one of this host's own IPv4 addresses. */
  ownV4(i: number): string {
    return ipv4(this.spec.v4[i % this.spec.v4.length]!)
  }
}

/** Returns the logging hosts of a corpus; the extra formats only outside psad-compatible mode. */
export function siteSpecs(psadCompatible: boolean): readonly SiteSpec[] {
  return psadCompatible ? SITES : [...SITES, ...EXTRA_SITES]
}
