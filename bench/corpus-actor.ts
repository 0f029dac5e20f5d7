import type { Rng } from './corpus-random.js'
import { ipv4Header, ipv6Header, type Ipv6Fields } from './corpus-render.js'
import type { Chain, Site } from './corpus-sites.js'

// One actor = one source address and what it sends. Actors are independent state machines with their
// own random stream; the corpus merges them by time. Each knows only how many packets it will send and
// when the next one is due, so a million-line corpus never holds more than one line per actor.

/** When an actor's packets happen, in µs after the window start. */
export type Timing =
  | { kind: 'burst'; start: number; meanGap: number } // a tool running flat out (nmap, masscan)
  | { kind: 'spread'; span: number } // scattered over the whole window (bots, stray packets)

/** One source and what it sends: a lazily rendered, time-ordered sequence of log lines. */
export abstract class Actor {
  /** Time of the next packet, µs after the window start. */
  t = 0
  /** Packets still to send. */
  left: number
  protected sent = 0
  private readonly times: number[] | null = null
  private readonly meanGap: number
  private ipId: number

  constructor(
    protected readonly rng: Rng,
    protected readonly site: Site,
    count: number,
    timing: Timing,
  ) {
    this.left = count
    this.ipId = rng.int(1, 65535)
    if (timing.kind === 'burst') {
      this.t = timing.start
      this.meanGap = timing.meanGap
    } else {
      this.meanGap = 0
      const times: number[] = []
      for (let i = 0; i < count; i++) times.push(rng.int(0, timing.span - 1))
      times.sort((a, b) => a - b)
      this.times = times
      this.t = times[0] ?? 0
    }
  }

  /** Returns the line of the packet due at `t` and schedules the next one. */
  emit(): string {
    const line = this.packet(this.sent)
    this.sent++
    this.left--
    if (this.left > 0) {
      if (this.times !== null) this.t = this.times[this.sent]!
      else this.t += 1 + Math.floor(this.rng.exp(this.meanGap))
    }
    return line
  }

  /** Returns the whole line of packet number i. */
  protected abstract packet(i: number): string

  protected line(chain: Chain, v6: boolean, body: string): string {
    return this.site.line(this.t, chain, v6, body)
  }

  /** IPv4 header with this actor's IP ID sequence (random steps, as most stacks now use). */
  protected ip4(src: string, dst: string, len: number, ttl: number, df = false, tos = 0): string {
    this.ipId = (this.ipId + this.rng.int(1, 300)) & 0xffff
    return ipv4Header({ src, dst, len, tos, ttl, id: this.ipId, df })
  }

  protected ip6(f: Omit<Ipv6Fields, 'extHeaders'> & { extHeaders?: number }): string {
    return ipv6Header({ extHeaders: 0, ...f })
  }
}

/** Well-known ports in roughly nmap's frequency order: what scanners try first and bots knock on. */
export const TOP_PORTS: readonly number[] = [
  80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900,
  1025, 587, 8888, 199, 1720, 465, 548, 113, 81, 6001, 10000, 514, 5060, 179, 1026, 2000, 8443, 8000,
  32768, 554, 26, 1433, 49152, 2001, 515, 8008, 49154, 1027, 5666, 646, 5000, 5631, 631, 49153, 8081,
  2049, 88, 79, 5800, 106, 2121, 1110, 49155, 6000, 513, 990, 5357, 427, 49156, 543, 544, 5101, 144,
  7, 389, 8009, 3128, 444, 9999, 5009, 7070, 5190, 3000, 5432, 1900, 3986, 13, 1029, 9, 5051, 6646,
  49157, 1028, 873, 1755, 2717, 4899, 9100, 119, 37, 1434, 6379, 27017, 9200, 11211, 2323, 5555, 7547,
]

/** Returns n distinct destination ports the way scanners choose them (top list, a range, or random). */
export function portList(rng: Rng, n: number): number[] {
  n = Math.max(1, Math.min(n, 65535))
  const shape = rng.weighted({ top: 4, range: 4, random: 2 })
  const out: number[] = []
  const seen = new Set<number>()
  const add = (p: number): void => {
    if (!seen.has(p) && out.length < n) {
      seen.add(p)
      out.push(p)
    }
  }
  if (shape === 'top') for (const p of TOP_PORTS) add(p)
  if (shape === 'range' || shape === 'top') {
    const start = shape === 'top' || n > 60000 ? 1 : rng.pick([1, 1, 1, 1000, 1024, 5000, rng.int(1, 65535 - n)])
    for (let p = start; out.length < n && p <= 65535; p++) add(p)
  }
  while (out.length < n) add(rng.int(1, 65535))
  return rng.shuffle(out)
}

/** Returns a random ephemeral source port (Linux 32768-60999 or IANA 49152-65535). */
export function ephemeral(rng: Rng): number {
  return rng.chance(0.7) ? rng.int(32768, 60999) : rng.int(49152, 65535)
}

/** Returns a typical initial TTL minus a plausible hop count. */
export function arrivalTtl(rng: Rng): number {
  return rng.pick([64, 64, 64, 128, 128, 255]) - rng.int(3, 24)
}
