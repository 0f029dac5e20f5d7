import { SP } from './ascii.js'
import { bytesAre, indexOfText, latin1, RecentText, utf8 } from './bytes.js'
import { parseIpchains, IPCHAINS_MARK } from './ipchains.js'
import { findBodyStart, findPveBodyStart, NetfilterParser, sourceRoute, textHash } from './netfilter.js'
import { emptyPacket, type MutablePacket, type Packet } from './packet.js'
import { HeaderParser, PVE_DIALECT, pveMessageStart, skipKernelStamps, type Header } from './syslog-header.js'
import type { TimeContext } from './time.js'

/** Why a line produced no packet. */
export type LineSkip = 'not-firewall' | 'malformed' | 'non-ip'

export interface LineParserOptions {
  /** psad's SNORT_SID_STR: the word before the digits of an fwsnort SID in the log prefix. */
  sidString: string
}

// Kernel prefixes are at most 29 (iptables) or 127 (nftables) characters; longer ones come from forged
// lines and are cut so a hostile log cannot blow up the prefix counters.
const MAX_PREFIX = 128

const KERNEL_TAG = 'kernel:'
const LOWER_K = 107

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Turns one log line into a Packet, or says which bucket the line belongs to. */
export class LineParser {
  /** Details of the last 'malformed' result, for diagnostics. */
  error = ''
  private readonly header: Header = { time: Number.NaN, host: '', tag: '', msgStart: 0, error: '', dialect: 0, chain: '' }
  private readonly heads = new HeaderParser()
  private readonly bodies = new NetfilterParser()
  private readonly prefixes = new RecentText(64, utf8)
  private readonly sidString: string
  private readonly sidPattern: RegExp

  constructor(options: LineParserOptions) {
    this.sidString = options.sidString
    this.sidPattern = new RegExp(`${escapeRegExp(options.sidString)}(\\d+)`)
  }

  /** Returns the packet a line describes, or the reason it describes none. Never throws. */
  parse(line: string, time: TimeContext): Packet | LineSkip {
    const b = Buffer.from(line, 'utf8')
    return this.parseBytes(b, 0, b.length, time)
  }

  /**
   * Same as parse, for the line in b[start,end) (no newline). With `into`, the packet is filled into
   * that object (reset first) instead of a new one: for callers that are done with each packet before
   * parsing the next. Never throws.
   */
  parseBytes(b: Uint8Array, start: number, end: number, time: TimeContext, into?: MutablePacket): Packet | LineSkip {
    this.into = into ?? null
    const h = this.header
    this.heads.parse(b, start, end, time, h)
    if (h.dialect === PVE_DIALECT) return this.pveLine(b, end)
    // Searched from the start of the line, as sourceRoute's caller does: a body that begins inside
    // what the header claims (a forged host or tag) is refused rather than read from a later `IN=`.
    const body = findBodyStart(b, start, end)
    if (h.error !== '' && (body >= 0 || indexOfText(b, IPCHAINS_MARK, start, end) >= 0)) return this.fail(h.error)
    if (body >= 0 && body < h.msgStart) return this.fail('netfilter fields inside the syslog header')
    if (body < 0) {
      const legacy = indexOfText(b, IPCHAINS_MARK, start, end)
      if (legacy < 0) return 'not-firewall'
      if (legacy < h.msgStart) return this.fail('ipchains fields inside the syslog header')
      const pkt = this.base()
      const err = parseIpchains(latin1(b, legacy + IPCHAINS_MARK.length, end), 0, pkt)
      return err === null ? pkt : this.fail(err)
    }
    const pkt = this.base()
    const err = this.bodies.parse(b, body, end, pkt)
    if (err !== null) return err === 'non-ip' ? 'non-ip' : this.fail(err)
    if (body > h.msgStart) this.prefix(b, h.msgStart, body, pkt)
    return pkt
  }

  // Proxmox VE's pve-firewall.log: its own head (see HeaderParser), then the rule's prefix and a body
  // in pvefw-logger's dialect, which starts at the first IN=, OUT=, PHYSIN=, PHYSOUT=, MAC= or SRC=.
  private pveLine(b: Uint8Array, end: number): Packet | LineSkip {
    const h = this.header
    const body = findPveBodyStart(b, h.msgStart, end)
    if (body < 0) return 'not-firewall' // its status lines: `0 5 - … starting pvefw logger`
    if (h.error !== '') return this.fail(h.error)
    const pkt = this.base()
    const err = this.bodies.parse(b, body, end, pkt, PVE_DIALECT)
    if (err !== null) return err === 'non-ip' ? 'non-ip' : this.fail(err)
    if (body > h.msgStart) this.prefix(b, h.msgStart, body, pkt)
    if (h.chain !== '') pkt.prefix = this.withChain(h.chain, pkt.prefix)
    return pkt
  }

  // The chain and the rule's prefix as one prefix (`tap101i0-IN policy DROP:`), remembered for the
  // last pair: a log repeats a few.
  private lastChain = ''
  private lastRulePrefix = ''
  private lastChainPrefix = ''

  private withChain(chain: string, prefix: string): string {
    if (chain !== this.lastChain || prefix !== this.lastRulePrefix) {
      this.lastChain = chain
      this.lastRulePrefix = prefix
      this.lastChainPrefix = prefix === '' ? chain : `${chain} ${prefix}`
    }
    return this.lastChainPrefix
  }

  private into: MutablePacket | null = null
  private routePacket: MutablePacket | null = null

  /**
   * The source of the line in b[start,end) as a number (see sourceRoute), without parsing the rest:
   * lines with equal numbers may come from one source, lines from one source always have equal
   * numbers. -1 when the line names no source (not a firewall line, or a malformed one).
   */
  route(b: Uint8Array, start: number, end: number): number {
    const pve = pveMessageStart(b, start, end)
    if (pve >= 0) {
      const at = findPveBodyStart(b, pve, end)
      return at < 0 ? -1 : sourceRoute(b, at, end)
    }
    const body = findBodyStart(b, start, end)
    if (body >= 0) return sourceRoute(b, body, end)
    const legacy = indexOfText(b, IPCHAINS_MARK, start, end)
    if (legacy < 0) return -1
    const pkt = (this.routePacket ??= emptyPacket())
    pkt.reset()
    if (parseIpchains(latin1(b, legacy + IPCHAINS_MARK.length, end), 0, pkt) !== null) return -1
    return pkt.srcNum >= 0 ? pkt.srcNum : textHash(pkt.src)
  }

  private base(): MutablePacket {
    let pkt = this.into
    if (pkt === null) pkt = emptyPacket()
    else pkt.reset()
    pkt.time = this.header.time
    pkt.host = this.header.host
    return pkt
  }

  private fail(error: string): LineSkip {
    this.error = error
    return 'malformed'
  }

  private prefix(b: Uint8Array, start: number, end: number, pkt: Packet): void {
    // Ring-buffer corruption can glue two messages on one line; the prefix belongs to the last one.
    let k = end - KERNEL_TAG.length
    while (k >= start && !(b[k] === LOWER_K && bytesAre(b, k, KERNEL_TAG))) k--
    if (k >= start) start = k + KERNEL_TAG.length
    while (start < end && b[start] === SP) start++
    start = skipKernelStamps(b, start, end)
    while (end > start && b[end - 1] === SP) end--
    if (end - start > MAX_PREFIX) end = start + MAX_PREFIX
    if (end === start) return
    const text = this.prefixes.get(b, start, end)
    pkt.prefix = text
    if (this.hasSid(text)) this.fwsnort(text, pkt)
  }

  // Whether a prefix names an fwsnort SID, remembered for the last prefix: a log repeats a handful
  // of prefixes, and searching each line's prefix cost 2% of the parse on the bench corpus.
  private lastPrefix = ''
  private lastHasSid = false

  private hasSid(text: string): boolean {
    if (text !== this.lastPrefix) {
      this.lastPrefix = text
      this.lastHasSid = text.includes(this.sidString)
    }
    return this.lastHasSid
  }

  private fwsnort(text: string, pkt: Packet): void {
    const sid = this.sidPattern.exec(text)
    if (sid === null) return
    pkt.fwsnortSid = Number(sid[1])
    const rule = /\[(\d+)\]/.exec(text)
    if (rule !== null) pkt.fwsnortRule = Number(rule[1])
    pkt.estab = text.includes('ESTAB')
  }
}
