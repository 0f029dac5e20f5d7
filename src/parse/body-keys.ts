// The words of a netfilter log body: the KEY of every KEY=value the kernel's nf_log_syslog and
// ulogd's PRINTPKT print, and the bare words (TCP and IP flags, OPT, INCOMPLETE…). Each has a small
// id; a key and a word spelt alike (ACK, ID) share it, the token says which it is.

/**
 * Key and word ids. A const enum, so that `case Key.SRC:` compiles to a literal: V8 turns a switch
 * over small literal cases into a jump table, and a switch over constants read from an object into
 * a chain of comparisons (twice as slow on mixed keys, measured).
 */
export const enum Key {
  None = 0,
  // interfaces and link layer
  IN, OUT, PHYSIN, PHYSOUT, MAC, MACSRC, MACDST, MACPROTO, VPROTO, VID, TUNNEL,
  // addresses
  SRC, DST,
  // IPv4 header
  LEN, TOS, PREC, TTL, ID, CE, DF, MF,
  // IPv6 header
  TC, HOPLIMIT, FLOWLBL,
  PROTO, OPT,
  // ports, TCP
  SPT, DPT, SEQ, ACK, WINDOW, RES, URGP, SYN, FIN, RST, PSH, URG, ECE, CWR,
  // ICMP and ICMPv6
  TYPE, CODE, PARAMETER, GATEWAY, MTU, POINTER,
  // IPsec
  SPI,
  // after the transport header
  UID, GID, MARK,
  // no (complete) IP header
  INCOMPLETE, TRUNCATED, ARP, HTYPE, PTYPE, OPCODE, IPSRC, IPDST,
  // Proxmox VE's pvefw-logger: FRAG=n (the kernel prints FRAG:n), mark=n, INVALID=LEN
  FRAG, PVE_MARK, INVALID,
}

/** Every key and word with its spelling. */
export const KEY_NAMES: readonly (readonly [string, Key])[] = [
  ['IN', Key.IN], ['OUT', Key.OUT], ['PHYSIN', Key.PHYSIN], ['PHYSOUT', Key.PHYSOUT], ['MAC', Key.MAC],
  ['MACSRC', Key.MACSRC], ['MACDST', Key.MACDST], ['MACPROTO', Key.MACPROTO], ['VPROTO', Key.VPROTO],
  ['VID', Key.VID], ['TUNNEL', Key.TUNNEL],
  ['SRC', Key.SRC], ['DST', Key.DST],
  ['LEN', Key.LEN], ['TOS', Key.TOS], ['PREC', Key.PREC], ['TTL', Key.TTL], ['ID', Key.ID], ['CE', Key.CE],
  ['DF', Key.DF], ['MF', Key.MF],
  ['TC', Key.TC], ['HOPLIMIT', Key.HOPLIMIT], ['FLOWLBL', Key.FLOWLBL],
  ['PROTO', Key.PROTO], ['OPT', Key.OPT],
  ['SPT', Key.SPT], ['DPT', Key.DPT], ['SEQ', Key.SEQ], ['ACK', Key.ACK], ['WINDOW', Key.WINDOW],
  ['RES', Key.RES], ['URGP', Key.URGP], ['SYN', Key.SYN], ['FIN', Key.FIN], ['RST', Key.RST],
  ['PSH', Key.PSH], ['URG', Key.URG], ['ECE', Key.ECE], ['CWR', Key.CWR],
  ['TYPE', Key.TYPE], ['CODE', Key.CODE], ['PARAMETER', Key.PARAMETER], ['GATEWAY', Key.GATEWAY],
  ['MTU', Key.MTU], ['POINTER', Key.POINTER],
  ['SPI', Key.SPI],
  ['UID', Key.UID], ['GID', Key.GID], ['MARK', Key.MARK],
  ['INCOMPLETE', Key.INCOMPLETE], ['TRUNCATED', Key.TRUNCATED], ['ARP', Key.ARP], ['HTYPE', Key.HTYPE],
  ['PTYPE', Key.PTYPE], ['OPCODE', Key.OPCODE], ['IPSRC', Key.IPSRC], ['IPDST', Key.IPDST],
  ['FRAG', Key.FRAG], ['mark', Key.PVE_MARK], ['INVALID', Key.INVALID],
]

/** Longest key or word known: longer tokens are unknown without looking further. */
const MAX_KEY = 10

// A perfect hash: a token's length, first two bytes and last byte make a 32-bit code (from bytes
// already at hand when the token was scanned), and a multiplier chosen when this module loads sends
// every known code to its own slot, so a lookup is one multiply and one comparison, no probing. Keys
// longer than three bytes are then confirmed on the bytes in between (confirmMiddle): a forged `TYXE=`
// never reads as `TYPE=`.
const SLOT_BITS = 9
const slotCode = new Int32Array(1 << SLOT_BITS)
const slotKey = new Uint8Array(1 << SLOT_BITS)
const slotName: Uint8Array[] = new Array<Uint8Array>(1 << SLOT_BITS).fill(new Uint8Array(0))

function codeOf(len: number, c0: number, c1: number, last: number): number {
  return (len << 24) | (c0 << 16) | (c1 << 8) | last
}

const NAME_BYTES = KEY_NAMES.map(([name]) => Buffer.from(name, 'latin1'))
const CODES = NAME_BYTES.map((n) => codeOf(n.length, n[0]!, n.length > 1 ? n[1]! : 0, n[n.length - 1]!))

function slotOf(code: number, mul: number): number {
  return Math.imul(code, mul) >>> (32 - SLOT_BITS)
}

function spreads(mul: number): boolean {
  return new Set(CODES.map((c) => slotOf(c, mul))).size === CODES.length
}

let multiplier = 0x9e3779b1
while (!spreads(multiplier)) multiplier = (multiplier + 0x6b43a9b6) | 1
const MULTIPLIER = multiplier
KEY_NAMES.forEach(([, key], k) => {
  const s = slotOf(CODES[k]!, MULTIPLIER)
  slotCode[s] = CODES[k]!
  slotKey[s] = key
  slotName[s] = NAME_BYTES[k]!
})

/** Returns the id of the key or word in b[start,end) (not empty), or Key.None when it is none of them. */
export function keyId(b: Uint8Array, start: number, end: number): Key {
  const len = end - start
  if (len > MAX_KEY) return Key.None
  const code = codeOf(len, b[start]!, len > 1 ? b[start + 1]! : 0, b[end - 1]!)
  const s = slotOf(code, MULTIPLIER)
  if (slotCode[s] !== code || (len > 3 && !confirmMiddle(b, start, len, s))) return Key.None
  return slotKey[s]!
}

function confirmMiddle(b: Uint8Array, start: number, len: number, s: number): boolean {
  const name = slotName[s]!
  for (let k = 2; k < len - 1; k++) if (b[start + k] !== name[k]) return false
  return true
}

const TEXT: string[] = []
for (const [name, key] of KEY_NAMES) TEXT[key] = name

/** Returns how a key is spelt (`TTL`), for messages. */
export function keyText(key: Key): string {
  return TEXT[key] ?? '?'
}
