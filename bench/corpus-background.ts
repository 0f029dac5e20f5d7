import { Actor, arrivalTtl, ephemeral, TOP_PORTS, type Timing } from './corpus-actor.js'
import type { Rng } from './corpus-random.js'
import { FLAG_ORDER, hex, icmp6Text, icmpText, ipv4Header, ipv6Header, tcpText, udpText } from './corpus-render.js'
import type { Chain, Site } from './corpus-sites.js'

// Background: the many sources that send a handful of packets. Bots knocking on one service, late
// packets of connections a stateful firewall already forgot, stray UDP, pings, ICMP errors carrying the
// offending packet, IPv6 neighbour discovery and MLD, odd TCP flag mixes, LAN broadcasts, blocked
// outbound traffic. Most of it is harmless; some of it trips a signature or the ICMP type check.

export type NoiseKind =
  | 'knock' | 'multi' | 'leftover' | 'udp' | 'icmp' | 'icmp-error' | 'icmp-bad' | 'icmp6-nd' | 'icmp6'
  | 'oddflags' | 'ecn' | 'broadcast' | 'outbound' | 'v6probe' | 'igmp' | 'gre'
  | 'udplite4' | 'v6ext' | 'esp'

/** How often each kind appears; the last three only outside psad-compatible mode. */
export const NOISE_WEIGHTS: Readonly<Record<NoiseKind, number>> = {
  knock: 28, multi: 6, leftover: 14, udp: 12, icmp: 7, 'icmp-error': 5, 'icmp-bad': 2, 'icmp6-nd': 4, icmp6: 3,
  oddflags: 3, ecn: 3, broadcast: 3, outbound: 4, v6probe: 5, igmp: 1, gre: 1,
  udplite4: 1, v6ext: 1, esp: 1,
}
export const PSAD_INCOMPATIBLE_NOISE: ReadonlySet<NoiseKind> = new Set(['udplite4', 'v6ext', 'esp'])
/** Kinds whose source is an IPv6 address. */
export const V6_NOISE: ReadonlySet<NoiseKind> = new Set(['icmp6-nd', 'icmp6', 'v6probe', 'v6ext'])

export interface NoisePlan {
  kind: NoiseKind
  /** Source and its destination (for 'outbound' the source is the logging host itself). */
  src: string
  dst: string
  chain: Chain
  count: number
  timing: Timing
  /** Leave out what psad 2.4.6 cannot parse (TCP flags with only CWR/ECE set). */
  psadCompatible: boolean
}

const LEFTOVER_FLAGS = ['ACK', 'ACK FIN', 'ACK PSH', 'ACK PSH FIN', 'RST', 'ACK RST', 'ACK']
const UDP_SERVICES = [53, 123, 137, 161, 500, 1900, 5060, 5353, 11211, 3702, 1194, 27015, 19]
const ICMP_BAD: readonly [number, number][] = [[1, 0], [2, 0], [7, 0], [42, 0], [99, 0], [255, 0], [8, 2], [8, 5], [3, 16], [11, 2], [0, 3], [19, 0], [40, 6]]
const ICMP6_BAD: readonly [number, number][] = [[135, 22], [100, 0], [200, 0], [255, 0], [1, 9], [128, 1]]

/** A source sending a few packets of one kind. */
export class Background extends Actor {
  private readonly port: number
  private readonly sport: number
  private readonly ttl: number
  private readonly variant: number
  private readonly ports: number[]

  constructor(rng: Rng, site: Site, private readonly plan: NoisePlan) {
    super(rng, site, plan.count, plan.timing)
    this.port = rng.chance(0.6) ? rng.pick(TOP_PORTS.slice(0, 30)) : rng.pick(TOP_PORTS)
    this.sport = ephemeral(rng)
    this.ttl = arrivalTtl(rng)
    this.variant = rng.int(0, 1 << 20)
    this.ports = plan.kind === 'multi' ? rng.shuffle(TOP_PORTS.slice(0, 40)) : []
  }

  // A stack picks a new source port per connection attempt, wrapping inside 1024-65535.
  private nextPort(i: number): number {
    return 1024 + ((this.sport - 1024 + i) % 64512)
  }

  protected packet(i: number): string {
    const p = this.plan
    const v6 = V6_NOISE.has(p.kind)
    return this.line(p.chain, v6, this.body(i))
  }

  private tcp(dport: number, flags: string, len: number, sport = this.sport, df = true): string {
    const s = this.site.spec
    // What a real stack puts in the header: MSS (+SACK, timestamps, window scale) on a SYN, the
    // timestamp option alone on the segments of an established connection.
    const v = this.variant
    let o = ''
    if (len >= 60) o = `020405B40402080A${hex([v & 255, 1, 2, 3])}0000000001030307`
    else if (len === 52) o = flags.includes('SYN') ? '020405B40103030801010402' : `0101080A${hex([v & 255, (v >> 8) & 255, 7, this.sent & 255])}${hex([3, 4, 5, 6])}`
    else if (len === 44) o = '020405B4'
    const opts = s.logOptions ? o : null
    const seq: readonly [number, number] | null = s.logSequence ? [(v * 7919 + this.sent * 1448) >>> 0, flags.includes('ACK') ? (v * 104729) >>> 0 : 0] : null
    return this.ip4(this.plan.src, this.plan.dst, len, this.ttl, df) + tcpText({ sport, dport, flags, window: flags.includes('RST') ? 0 : 64240, seq, opts, urgp: 0 })
  }

  private body(i: number): string {
    const r = this.rng
    const p = this.plan
    const v = this.variant
    switch (p.kind) {
      case 'knock':
        return this.tcp(this.port, 'SYN', [60, 52, 44, 40][v % 4]!)
      case 'multi':
        return this.tcp(this.ports[i % this.ports.length]!, 'SYN', 60, this.nextPort(i))
      case 'ecn':
        return this.tcp(v % 2 === 0 ? 80 : 443, 'CWR ECE SYN', 60, this.nextPort(i))
      case 'leftover':
        return this.tcp(this.sport, LEFTOVER_FLAGS[(v + i) % LEFTOVER_FLAGS.length]!, 52, [443, 80, 22, 993, 5228, 8443][v % 6]!)
      case 'oddflags': {
        let flags = ''
        let bits = (v >> 3) & 0xff
        // psad rejects a flag set with only the ECN bits; add SYN there.
        if (p.psadCompatible && bits !== 0 && (bits & 0x3f) === 0) bits |= 0x02
        for (let b = 0; b < 8; b++) if (bits & (1 << (7 - b))) flags += (flags === '' ? '' : ' ') + FLAG_ORDER[b]
        return this.tcp(this.port, flags, 40, this.sport, false)
      }
      case 'udp': {
        const dport = UDP_SERVICES[v % UDP_SERVICES.length]!
        const payload = 20 + (v % 90)
        return this.ip4(p.src, p.dst, 28 + payload, this.ttl) + udpText(this.sport, dport, 8 + payload)
      }
      case 'udplite4':
        return this.ip4(p.src, p.dst, 48, this.ttl) + udpText(this.sport, 5004, 28, true)
      case 'broadcast': {
        const [sp, dp, len] = ([[68, 67, 328], [137, 137, 78], [138, 138, 229], [5353, 5353, 120], [50000, 1900, 175]] as const)[v % 5]!
        return ipv4Header({ src: p.src, dst: p.dst, len, tos: 0, ttl: v % 5 === 3 ? 255 : 64, id: r.int(0, 65535), df: false }) + udpText(sp, dp, len - 20)
      }
      case 'icmp': {
        const t = [8, 8, 8, 0, 13, 17][v % 6]!
        const len = t === 8 ? (v % 2 === 0 ? 84 : 60) : t === 0 ? 84 : t === 13 ? 40 : 32
        return this.ip4(p.src, p.dst, len, this.ttl) + icmpText(t, 0, { id: v & 0xffff, seq: (i + 1) & 0xffff })
      }
      case 'icmp-bad': {
        const [t, c] = ICMP_BAD[v % ICMP_BAD.length]!
        return this.ip4(p.src, p.dst, 28, this.ttl) + icmpText(t, c, { id: v & 0xffff, seq: i & 0xffff })
      }
      case 'icmp-error':
        return this.icmpError(i)
      case 'outbound': {
        const k = v % 4
        const uid = this.site.spec.logUid ? `UID=${k === 0 ? 0 : 1000} GID=${k === 0 ? 0 : 1000} ` : ''
        if (k === 0) return this.ip4(p.src, p.dst, 61, 64, true) + udpText(this.nextPort(i), 53, 41) + uid
        if (k === 1) return this.ip4(p.src, p.dst, 76, 64, true) + udpText(123, 123, 56) + uid
        if (k === 2) return this.tcp(25, 'SYN', 60, this.nextPort(i)) + uid
        return this.ip4(p.src, p.dst, 84, 64, true) + icmpText(8, 0, { id: v & 0xffff, seq: (i + 1) & 0xffff })
      }
      case 'igmp':
        return ipv4Header({ src: p.src, dst: '224.0.0.1', len: 36, tos: 0xc0, ttl: 1, id: 0, df: false }) + 'OPT (94040000) PROTO=2 '
      case 'gre':
        return `${this.ip4(p.src, p.dst, 24 + (v % 200), this.ttl)}PROTO=47 `
      case 'esp':
        return `${this.ip4(p.src, p.dst, 120 + (v % 80), this.ttl)}PROTO=ESP SPI=0x${(v * 2654435761 >>> 0).toString(16)} `
      case 'v6probe':
        return this.ip6({ src: p.src, dst: p.dst, len: 80, tc: 0, hopLimit: this.ttl, flowLabel: v & 0xfffff }) +
          tcpText({ sport: this.nextPort(i), dport: [22, 80, 443, 25, 3389][v % 5]!, flags: 'SYN', window: 64800, seq: null, opts: this.site.spec.logOptions ? '020405A00402080A000000010000000001030307' : null, urgp: 0 })
      case 'icmp6-nd':
        return this.neighbour(i)
      case 'icmp6':
        return this.icmp6(i)
      case 'v6ext':
        return v % 2 === 0
          ? this.ip6({ src: p.src, dst: p.dst, len: 76, tc: 0, hopLimit: 1, flowLabel: 0, extHeaders: 1 }) + icmp6Text(143, 0, {})
          : this.ip6({ src: p.src, dst: p.dst, len: 72, tc: 0, hopLimit: 64, flowLabel: 0, extHeaders: 1 }) + udpText(this.sport, 5353, 24)
    }
  }

  // An ICMP error from a router or host about a packet one of ours sent it: the offending packet is
  // logged inside [ … ] with its own addresses and ports.
  private icmpError(i: number): string {
    const p = this.plan
    const v = this.variant
    const [t, c] = ([[3, 3], [3, 1], [3, 0], [3, 13], [3, 10], [3, 4], [11, 0], [4, 0], [5, 1], [12, 0]] as const)[v % 10]!
    const udp = v % 3 !== 0
    const inner = ipv4Header({ src: p.dst, dst: p.src, len: udp ? 61 : 60, tos: 0, ttl: t === 11 ? 1 : 63, id: (v + i) & 0xffff, df: !udp }) +
      (udp ? udpText(40000 + (v % 9999), 53, 41) : tcpText({ sport: 40000 + (v % 9999), dport: 443, flags: 'SYN', window: 64240, seq: null, opts: null, urgp: 0 }))
    return this.ip4(p.src, p.dst, 56 + (udp ? 28 : 40), this.ttl) + icmpText(t, c, { inner, gateway: '192.0.2.254', mtu: 1400 + (v % 80), parameter: 20 })
  }

  private neighbour(i: number): string {
    const p = this.plan
    const v = this.variant
    const t = [135, 135, 136, 133, 134, 143, 143, 137][(v + i) % 8]!
    const len = t === 135 || t === 136 ? 72 : t === 133 ? 56 : t === 134 ? 104 : t === 143 ? 76 : 96
    // Router solicitations, MLDv2 reports and router adverts go to link-local multicast groups.
    const group = t === 133 ? 2 : t === 143 ? 0x16 : t === 134 ? 1 : -1
    const dst = group < 0 ? p.dst : this.site.v6Text([0xff02, 0, 0, 0, 0, 0, 0, group])
    return this.ip6({ src: p.src, dst, len, tc: 0, hopLimit: t === 143 ? 1 : 255, flowLabel: 0 }) + icmp6Text(t, 0, {})
  }

  private icmp6(i: number): string {
    const p = this.plan
    const v = this.variant
    const k = v % 7
    const hdr = (len: number): string => this.ip6({ src: p.src, dst: p.dst, len, tc: 0, hopLimit: this.ttl, flowLabel: v & 0xfffff })
    if (k <= 1) return hdr(104) + icmp6Text(k === 0 ? 128 : 129, 0, { id: v & 0xffff, seq: (i + 1) & 0xffff })
    if (k === 5) {
      const [t, c] = ICMP6_BAD[v % ICMP6_BAD.length]!
      return hdr(64) + icmp6Text(t, c, { id: v & 0xffff, seq: i & 0xffff })
    }
    const [t, c] = ([[1, 4], [2, 0], [3, 0], [4, 1]] as const)[k === 6 ? 3 : k - 2]!
    const inner = ipv6Header({ src: p.dst, dst: p.src, len: 80, tc: 0, hopLimit: t === 3 ? 1 : 63, flowLabel: 0, extHeaders: 0 }) + udpText(40000 + (v % 9999), 53, 40)
    return hdr(128) + icmp6Text(t, c, { inner, mtu: 1280 + (v % 200), pointer: 40 })
  }
}
