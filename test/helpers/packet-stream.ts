import { parseAutoDl } from '../../src/config/auto-dl.js'
import { parseReputationList, Reputation } from '../../src/config/reputation.js'
import { parseSnortRuleDl } from '../../src/config/snort-rule-dl.js'
import { parseSnortRules, type SnortRuleInfo } from '../../src/config/snort-rules.js'
import { compilePlan } from '../../src/config/plan.js'
import type { Detector } from '../../src/detect/detector.js'
import type { DetectorParts } from './detector.js'
import type { TimeContext } from '../../src/parse/time.js'

// A seeded generator of valid kernel LOG lines of every kind the engine keeps state for (TCP with
// and without options, UDP, UDPLITE, ICMP valid and not, ICMPv6, other protocols, IPv6 extension
// headers, fwsnort SIDs, several prefixes, hosts and chains, signature ports, time gaps longer than
// SCAN_TIMEOUT), plus some malformed and non-firewall lines; and an engine configuration with every
// list (auto_dl, reputation, Snort rules) so saved state is exercised in full.

export const STREAM_TIME: TimeContext = { year: 2026, reference: Date.UTC(2026, 10, 22) }

/** A deterministic PRNG (mulberry32): the same seed gives the same stream. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const V4_SOURCES = ['203.0.113.5', '203.0.113.6', '198.51.100.7', '10.9.1.5', '10.9.2.8', '10.9.3.1', '192.0.2.99', '100.64.0.1', '250.1.2.3']
const V6_SOURCES = ['2001:0db8:0000:0000:0000:0000:0000:0005', '2001:0db8:0000:0000:0000:0000:00ab:0001', 'fd77:0000:0000:0000:0000:0000:0000:0001']
const V4_DESTS = Array.from({ length: 14 }, (_, i) => `192.168.7.${i + 1}`)
const V6_DESTS = ['fd77:0000:0000:0000:0000:0000:0000:0002', 'fd77:0000:0000:0000:0000:0000:0000:0003', '2001:0db8:0000:0000:0000:0000:0001:0001']
const PREFIXES = ['DROP ', 'DROP ', 'REJECT ', 'INVALID ', '[12] SID9000001 ', 'fw-in ']
const HOSTS = ['fw', 'fw', 'gw2']
const SIG_PORTS = [27374, 12345, 3127, 21554, 15104]
const FLAGS = ['SYN', 'SYN', 'SYN', 'FIN', 'FIN PSH URG', 'ACK', 'ACK FIN', 'SYN FIN', '', 'CWR ECE SYN', 'RST']
const OPTIONS = ['020405B4', '020405B40402080A000000000000000001030307', '020405B4010303030402', null, null]
const ICMP4 = [[8, 0], [0, 0], [3, 3], [8, 2], [44, 0], [13, 0]]
const ICMP6 = [[128, 0], [135, 0], [1, 9], [200, 0], [143, 0]]

export interface StreamOptions {
  seed: number
  lines: number
  /** First timestamp (epoch ms). */
  start?: number
}

/** Returns `lines` log lines from a seeded random walk over sources, destinations and packet kinds. */
export function packetStream(o: StreamOptions): string[] {
  const r = prng(o.seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  let t = o.start ?? Date.UTC(2026, 10, 22, 6)
  let id = 1
  const out: string[] = []
  for (let n = 0; n < o.lines; n++) {
    // Mostly a few ms apart; sometimes minutes, sometimes longer than any test's SCAN_TIMEOUT.
    const gap = r()
    t += gap < 0.97 ? Math.floor(r() * 40) : gap < 0.995 ? Math.floor(r() * 180_000) : 3_600_000 + Math.floor(r() * 600_000)
    const ts = new Date(t).toISOString().replace('Z', '000+00:00')
    const kind = r()
    if (kind < 0.01) {
      out.push(`${ts} fw sshd[77]: Accepted publickey for root from 192.0.2.1`)
      continue
    }
    if (kind < 0.02) {
      out.push(`${ts} fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.168.7.1 LEN=x PROTO=TCP SPT=1 DPT=2 SYN`)
      continue
    }
    if (kind < 0.025) {
      // Mirai: ten SYNs to telnet, then one to 2323, from one source to one destination.
      const [src, dst] = [pick(V4_SOURCES), pick(V4_DESTS)]
      for (const dport of [23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 2323]) {
        out.push(`${ts} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=${dst} LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=${id++ % 65536} PROTO=TCP SPT=4000 DPT=${dport} WINDOW=5840 RES=0x00 SYN URGP=0 `)
      }
      n += 10
      continue
    }
    if (kind < 0.027) {
      // A flood: 45 SYNs to ssh from one source to one destination (DANGER_LEVEL3 is 40 here).
      const [src, dst] = [pick(V4_SOURCES), pick(V4_DESTS)]
      for (let k = 0; k < 45; k++) {
        out.push(`${ts} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=${dst} LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=${id++ % 65536} PROTO=TCP SPT=${5000 + k} DPT=22 WINDOW=5840 RES=0x00 SYN URGP=0 `)
      }
      n += 44
      continue
    }
    const v6 = r() < 0.25
    const src = v6 ? pick(V6_SOURCES) : pick(V4_SOURCES)
    const dst = v6 ? pick(V6_DESTS) : pick(V4_DESTS)
    const chain = r()
    const ifs = chain < 0.8 ? 'IN=eth0 OUT=' : chain < 0.9 ? 'IN= OUT=eth0' : 'IN=eth0 OUT=eth1'
    const host = pick(HOSTS)
    const prefix = pick(PREFIXES)
    const head = `${ts} ${host} kernel: ${prefix}${ifs} `
    const ttl = 32 + Math.floor(r() * 32)
    const ip = v6
      ? `SRC=${src} DST=${dst} LEN=LENGTH TC=0 HOPLIMIT=${ttl} FLOWLBL=0 ${r() < 0.1 ? 'OPT ( ) '.repeat(8) : ''}`
      : `SRC=${src} DST=${dst} LEN=LENGTH TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id++ % 65536} ${r() < 0.3 ? 'DF ' : ''}`
    const proto = r()
    let body: string
    let len: number
    if (proto < 0.6) {
      const dport = r() < 0.1 ? pick(SIG_PORTS) : r() < 0.15 ? pick([23, 23, 23, 2323]) : Math.floor(r() * 2000) + 1
      const flags = pick(FLAGS)
      const opts = flags.includes('SYN') ? pick(OPTIONS) : null
      len = (v6 ? 40 : 20) + 20 + (opts === null ? 0 : opts.length / 2)
      const window = pick([1024, 1480, 29200, 65535, 55808])
      body = `PROTO=TCP SPT=${40000 + Math.floor(r() * 20000)} DPT=${dport} WINDOW=${window} RES=0x00 ${flags}${flags === '' ? '' : ' '}URGP=0 ${opts === null ? '' : `OPT (${opts}) `}`
    } else if (proto < 0.75) {
      const dport = r() < 0.1 ? 6838 : Math.floor(r() * 1000) + 1
      len = 28 + Math.floor(r() * 10)
      body = `PROTO=${r() < 0.1 ? 'UDPLITE' : 'UDP'} SPT=53 DPT=${dport} LEN=${len - 20} `
    } else if (proto < 0.92) {
      const [type, code] = v6 ? pick(ICMP6) : pick(ICMP4)
      len = 28
      body = v6 ? `PROTO=ICMPv6 TYPE=${type} CODE=${code} ` : `PROTO=ICMP TYPE=${type} CODE=${code} ${type === 8 || type === 0 ? `ID=${id} SEQ=1 ` : ''}`
    } else {
      len = 20
      body = `PROTO=${pick([47, 50, 51, 103, 132])} `
    }
    const line = head + ip.replace('LENGTH', String(len)) + body
    // Now and then one packet passes two LOG rules (ufw's audit line, then its verdict's).
    const copy = r()
    if (copy < 0.04) {
      out.push(line.replace(` kernel: ${prefix}`, ' kernel: [UFW AUDIT] '))
      n++
    }
    out.push(copy < 0.02 || (copy >= 0.04 && copy < 0.05) ? line.replace(` kernel: ${prefix}`, ' kernel: [UFW ALLOW] ') : line)
  }
  return out.slice(0, o.lines)
}

const SNORT_RULE = 'alert tcp any any -> any 8443 (msg:"TEST fwsnort rule"; classtype:web-application-attack; sid:9000001; rev:1;)'

/** Detector parts with the bundled signatures and OS database and every list; settings tweaked to exercise windows and limits. */
export async function streamParts(): Promise<DetectorParts> {
  const engine = await compilePlan({ config: { configFile: null, psadDir: null, overrides: {} }, since: null, until: null, criteria: [], year: undefined, maxLineLength: 16384, now: STREAM_TIME.reference })
  const settings = engine.settings
  settings.detection = { ...settings.detection, scanTimeout: 120, maxDestinations: 12, protocolScanThreshold: 3, dangerLevels: [5, 15, 40, 1500, 10000] }
  settings.filters = { ...settings.filters, fwSearchAll: true }
  const snortRules = new Map<number, SnortRuleInfo>()
  parseSnortRules(SNORT_RULE, 'test.rules', snortRules, { classes: new Map(), refs: new Map(), warn: () => {} })
  const listed = parseReputationList('198.51.100.0/24\n2001:db8::ab:0/112\n', { name: 'feed', dl: 3, file: 'feed.txt', origin: 'test' })
  return {
    settings,
    signatures: engine.signatures?.index ?? null,
    os: engine.os,
    fields: engine.criteria,
    lists: {
      autoDl: parseAutoDl('10.9.1.5 0;\n10.9.2.0/24 4 tcp;\n10.9.3.1 1;\n', 'auto_dl'),
      reputation: Reputation.fromLists([listed]),
      snortRules,
      snortRuleDl: parseSnortRuleDl('9000001 3;\n', 'snort_rule_dl'),
    },
  }
}

/** Feeds lines to an analyzer, numbering them from `first` (their position in the whole input). */
export function feed(a: Detector, lines: readonly string[], first = a.linesRead): void {
  lines.forEach((l, i) => a.line(l, STREAM_TIME, () => `stream:${first + i + 1}`))
}
