import { Actor, arrivalTtl, ephemeral, portList, type Timing } from './corpus-actor.js'
import type { Rng } from './corpus-random.js'
import { hex, icmpText, tcpText, udpText } from './corpus-render.js'
import type { Chain, Site } from './corpus-sites.js'

// Scanners: one source probing many ports and/or many hosts the way the usual tools do. The packet
// layouts follow what each tool really sends (nmap -sS: 44-byte SYN with an MSS option and a fixed
// source port; -sT: the OS stack's full option set; -sF/-sX/-sN/-sA/-sM: 40 bytes without options;
// masscan and Mirai: option-less SYNs; Topera: IPv6 behind a chain of empty extension headers).

export type ScanKind =
  | 'syn' | 'connect' | 'fin' | 'xmas' | 'null' | 'ack' | 'maimon' | 'synfin' | 'osprobe'
  | 'udp' | 'proto' | 'sweep' | 'pingsweep' | 'udpsweep' | 'masscan' | 'mirai'
  | 'syn6' | 'connect6' | 'topera' | 'slow'

/** How often each kind of scanner appears. */
export const SCAN_WEIGHTS: Readonly<Record<ScanKind, number>> = {
  syn: 18, connect: 9, fin: 4, xmas: 4, null: 4, ack: 4, maimon: 2, synfin: 2, osprobe: 2,
  udp: 8, proto: 2, sweep: 12, pingsweep: 5, udpsweep: 4, masscan: 5, mirai: 5,
  syn6: 4, connect6: 2, topera: 1, slow: 7,
}

const FLAGS: Partial<Record<ScanKind, string>> = {
  fin: 'FIN', xmas: 'URG PSH FIN', null: '', ack: 'ACK', maimon: 'ACK FIN', synfin: 'SYN FIN',
}
const OS_PROBES = ['SYN', 'SYN', 'CWR ECE SYN', '', 'URG PSH SYN FIN', 'ACK', 'SYN', 'ACK', 'FIN']
const UDP_PAYLOAD: Readonly<Record<number, number>> = { 53: 12, 111: 40, 123: 48, 137: 50, 161: 41, 500: 72, 1900: 94, 5060: 220 }
const SWEEP_TCP = [22, 23, 80, 443, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200, 27017]
const SWEEP_UDP = [53, 123, 161, 1900, 5060, 11211]
const SLOW_PORTS = [21, 22, 23, 25, 80, 110, 143, 443, 445, 993, 1433, 3306, 3389, 5432, 5900, 8080, 8443]

/** Everything a scanner needs to know; `count` is its exact number of lines. */
export interface ScanPlan {
  kind: ScanKind
  src: string
  v6: boolean
  dsts: readonly string[]
  chain: Chain
  count: number
  timing: Timing
  /** IP protocols nmap -sO may name (psad-compatible corpora leave out ESP, AH and UDPLITE). */
  protocols: readonly number[]
  /** Log SEQ=/ACK= on IPv6 TCP where the host logs them (psad 2.4.6 rejects such lines). */
  seqOnV6: boolean
}

/** Returns the mean gap between probes (µs) for a kind of scan. */
export function scanGap(kind: ScanKind, rng: Rng): number {
  if (kind === 'masscan' || kind === 'mirai') return rng.int(200, 3000)
  if (kind === 'connect' || kind === 'connect6' || kind === 'osprobe') return rng.int(2000, 40000)
  return rng.pick([300, 800, 2000, 15000, 400000])
}

/** A source probing many ports and/or hosts the way one tool does. */
export class Scanner extends Actor {
  private readonly ports: number[]
  private readonly ttl: number
  private readonly sport: number
  private readonly window: number
  private readonly ecn: boolean
  private readonly windows: boolean
  private nextSport: number

  constructor(rng: Rng, site: Site, private readonly plan: ScanPlan) {
    super(rng, site, plan.count, plan.timing)
    const perDst = Math.ceil(plan.count / plan.dsts.length)
    const k = plan.kind
    if (k === 'sweep' || k === 'mirai') this.ports = k === 'mirai' ? [23, 2323] : [rng.pick(SWEEP_TCP)]
    else if (k === 'udpsweep') this.ports = [rng.pick(SWEEP_UDP)]
    else if (k === 'pingsweep' || k === 'proto') this.ports = [0]
    else if (k === 'slow') this.ports = rng.shuffle([...SLOW_PORTS]).slice(0, Math.min(perDst, SLOW_PORTS.length))
    else if (k === 'topera') this.ports = Array.from({ length: Math.min(perDst, 65535) }, (_, i) => i)
    else this.ports = portList(rng, perDst)
    this.ttl = arrivalTtl(rng)
    this.sport = rng.int(33000, 65000)
    this.nextSport = ephemeral(rng)
    this.window = rng.pick([1024, 2048, 3072, 4096])
    this.ecn = rng.chance(0.1)
    this.windows = rng.chance(0.3)
  }

  protected packet(i: number): string {
    const p = this.plan
    const n = p.dsts.length
    if (p.kind === 'mirai') {
      // Mirai: ten telnet SYNs to a host, then one to 2323 (psad's Mirai heuristic).
      return this.line(p.chain, p.v6, this.body(i, p.dsts[Math.floor(i / 11) % n]!, i % 11 === 10 ? 2323 : 23))
    }
    const dst = p.dsts[i % n]!
    const port = this.ports[Math.floor(i / n) % this.ports.length]!
    return this.line(p.chain, p.v6, this.body(i, dst, port))
  }

  private body(i: number, dst: string, port: number): string {
    const r = this.rng
    const p = this.plan
    const opts = this.site.spec.logOptions
    const seq = (): readonly [number, number] | null => (this.site.spec.logSequence && (!p.v6 || p.seqOnV6) ? [r.u32(), 0] : null)
    const ttl = this.ttl - (r.chance(0.1) ? 1 : 0)
    switch (p.kind) {
      case 'syn':
        return this.ip4(p.src, dst, 44, ttl) + tcpText({ sport: this.sport, dport: port, flags: 'SYN', window: r.pick([1024, 2048, 3072, 4096]), seq: seq(), opts: opts ? '020405B4' : null, urgp: 0 })
      case 'connect':
      case 'slow': {
        const sport = this.nextSport++
        if (this.nextSport > 65535) this.nextSport = 32768
        const [len, win, o] = this.windows ? [52, 64240, '020405B40103030801010402'] : [60, 64240, `020405B40402080A${hex([r.int(0, 255), r.int(0, 255), r.int(0, 255), r.int(0, 255)])}0000000001030307`]
        return this.ip4(p.src, dst, len, ttl, true) + tcpText({ sport, dport: port, flags: this.ecn ? 'CWR ECE SYN' : 'SYN', window: win, seq: seq(), opts: opts ? o : null, urgp: 0 })
      }
      case 'fin':
      case 'xmas':
      case 'null':
      case 'ack':
      case 'maimon':
      case 'synfin':
        return this.ip4(p.src, dst, 40, ttl) + tcpText({ sport: this.sport, dport: port, flags: FLAGS[p.kind]!, window: this.window, seq: seq(), opts: null, urgp: 0 })
      case 'osprobe': {
        const flags = OS_PROBES[i % OS_PROBES.length]!
        return this.ip4(p.src, dst, 60, ttl, i % 3 === 0) + tcpText({ sport: this.sport + (i % 7), dport: port, flags, window: r.pick([1, 63, 4, 4, 16, 512, 1024, 65535]), seq: seq(), opts: opts ? '03030A01020405B4080AFFFFFFFF000000000402' : null, urgp: 0 })
      }
      case 'sweep':
        return this.ip4(p.src, dst, 44, ttl) + tcpText({ sport: this.sport, dport: port, flags: 'SYN', window: 1024, seq: seq(), opts: opts ? '020405B4' : null, urgp: 0 })
      case 'masscan':
        return this.ip4(p.src, dst, 40, 255 - r.int(8, 20)) + tcpText({ sport: 61000 + (this.sport % 4000), dport: port, flags: 'SYN', window: 1024, seq: seq(), opts: null, urgp: 0 })
      case 'mirai':
        return this.ip4(p.src, dst, 40, ttl) + tcpText({ sport: r.int(1024, 65535), dport: port, flags: 'SYN', window: r.int(1000, 65000), seq: seq(), opts: null, urgp: 0 })
      case 'udp':
      case 'udpsweep': {
        const payload = UDP_PAYLOAD[port] ?? 0
        return this.ip4(p.src, dst, 28 + payload, ttl) + udpText(this.sport, port, 8 + payload)
      }
      case 'pingsweep':
        return this.ip4(p.src, dst, 28, ttl) + icmpText(8, 0, { id: this.sport & 0xffff, seq: i & 0xffff })
      case 'proto':
        return this.protoProbe(i, dst, ttl)
      case 'syn6':
        return this.ip6({ src: p.src, dst, len: 64, tc: 0, hopLimit: ttl, flowLabel: 0 }) + tcpText({ sport: this.sport, dport: port, flags: 'SYN', window: 1024, seq: seq(), opts: opts ? '020405A0' : null, urgp: 0 })
      case 'connect6': {
        const sport = this.nextSport++
        if (this.nextSport > 65535) this.nextSport = 32768
        return this.ip6({ src: p.src, dst, len: 80, tc: 0, hopLimit: ttl, flowLabel: r.int(1, 0xfffff) }) + tcpText({ sport, dport: port, flags: 'SYN', window: 64800, seq: seq(), opts: opts ? `020405A00402080A${hex([r.int(0, 255), r.int(0, 255), 1, 2])}0000000001030307` : null, urgp: 0 })
      }
      case 'topera':
        return this.ip6({ src: p.src, dst, len: 132, tc: 0, hopLimit: 64, flowLabel: 0, extHeaders: 9 }) + tcpText({ sport: r.int(1024, 65535), dport: port, flags: 'SYN', window: 8192, seq: seq(), opts: null, urgp: 0 })
    }
  }

  // nmap -sO: one empty datagram per protocol number; the kernel decodes TCP, UDP, ICMP (and ESP, AH,
  // UDPLITE, which then show up INCOMPLETE), every other protocol is logged as a bare number.
  private protoProbe(i: number, dst: string, ttl: number): string {
    const p = this.plan
    const proto = p.protocols[i % p.protocols.length]!
    switch (proto) {
      case 1:
        return this.ip4(p.src, dst, 28, ttl) + icmpText(8, 0, { id: this.sport & 0xffff, seq: 0 })
      case 6:
        return this.ip4(p.src, dst, 40, ttl) + tcpText({ sport: this.sport, dport: 80, flags: 'ACK', window: 1024, seq: null, opts: null, urgp: 0 })
      case 17:
        return this.ip4(p.src, dst, 28, ttl) + udpText(this.sport, 40125, 8)
      case 50:
        return `${this.ip4(p.src, dst, 20, ttl)}PROTO=ESP INCOMPLETE [0 bytes] `
      case 51:
        return `${this.ip4(p.src, dst, 20, ttl)}PROTO=AH INCOMPLETE [0 bytes] `
      case 136:
        return `${this.ip4(p.src, dst, 20, ttl)}PROTO=UDPLITE INCOMPLETE [0 bytes] `
      default:
        return `${this.ip4(p.src, dst, proto === 2 ? 28 : 20, ttl)}PROTO=${proto} `
    }
  }
}
