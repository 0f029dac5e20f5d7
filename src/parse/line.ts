import { parseIpchains, IPCHAINS_MARK } from './ipchains.js'
import { findBodyStart, parseNetfilter } from './netfilter.js'
import { emptyPacket, type Packet } from './packet.js'
import { parseHeader, type Header } from './syslog-header.js'
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Turns one log line into a Packet, or says which bucket the line belongs to. */
export class LineParser {
  /** Details of the last 'malformed' result, for diagnostics. */
  error = ''
  private readonly header: Header = { time: Number.NaN, host: '', tag: '', msgStart: 0 }
  private readonly sidPattern: RegExp

  constructor(options: LineParserOptions) {
    this.sidPattern = new RegExp(`${escapeRegExp(options.sidString)}(\\d+)`)
  }

  /** Returns the packet a line describes, or the reason it describes none. Never throws. */
  parse(line: string, time: TimeContext): Packet | LineSkip {
    const h = this.header
    parseHeader(line, time, h)
    const body = findBodyStart(line, h.msgStart)
    if (body < 0) {
      const legacy = line.indexOf(IPCHAINS_MARK, h.msgStart)
      if (legacy < 0) return 'not-firewall'
      const pkt = this.base()
      const err = parseIpchains(line, legacy + IPCHAINS_MARK.length, pkt)
      if (err !== null) return this.fail(err)
      return pkt
    }
    const pkt = this.base()
    const err = parseNetfilter(line, body, pkt)
    if (err !== null) {
      if (err === 'non-ip') return 'non-ip'
      return this.fail(err)
    }
    if (body > h.msgStart) this.prefix(line.slice(h.msgStart, body), pkt)
    return pkt
  }

  private base(): Packet {
    const pkt = emptyPacket()
    pkt.time = this.header.time
    pkt.host = this.header.host
    return pkt
  }

  private fail(error: string): LineSkip {
    this.error = error
    return 'malformed'
  }

  private prefix(raw: string, pkt: Packet): void {
    // Ring-buffer corruption can glue two messages on one line; the prefix belongs to the last one.
    const k = raw.lastIndexOf('kernel:')
    if (k >= 0) raw = raw.slice(k + 7)
    let text = raw.trim()
    if (text.charCodeAt(0) === 91) {
      const close = text.indexOf(']')
      if (close > 0 && /^\[\s*\d+\.\d+\]$/.test(text.slice(0, close + 1))) text = text.slice(close + 1).trim()
    }
    if (text.length > MAX_PREFIX) text = text.slice(0, MAX_PREFIX)
    pkt.prefix = text
    if (text === '') return
    const sid = this.sidPattern.exec(text)
    if (sid !== null) {
      pkt.fwsnortSid = Number(sid[1])
      const rule = /\[(\d+)\]/.exec(text)
      if (rule !== null) pkt.fwsnortRule = Number(rule[1])
      pkt.estab = text.includes('ESTAB')
    }
  }
}
