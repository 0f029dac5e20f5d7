import { describe, expect, test } from 'vitest'
import { AutoDl } from '../../src/detect/auto-dl.js'
import { parseAutoDl } from '../../src/config/auto-dl.js'
import { ConfigError } from '../../src/core/errors.js'
import { canonicalIP, parseIPv4, parseNetwork, type Network } from '../../src/parse/address.js'
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../../src/parse/packet.js'

const num = (ip: string): number => (ip.includes(':') ? -1 : parseIPv4(ip, 0, ip.length))
// What the engine passes: the packet's canonical source text and its IPv4 number (-1 for IPv6).
const dlOf = (a: AutoDl, ip: string, proto = PROTO_TCP, dport = 80): number | null => a.lookup(canonicalIP(ip), num(ip), proto, dport)?.dl ?? null
const load = (lines: string[]): AutoDl => parseAutoDl(lines.join('\n'), 'auto_dl')

function errorOf(text: string): ConfigError {
  try {
    parseAutoDl(text, 'auto_dl')
  } catch (e) {
    return e as ConfigError
  }
  throw new Error('no error')
}

describe("psad's test-suite auto_dl variants (its tests 33-36, 49-54, 60-61, 69-70)", () => {
  test.each([
    ['192.168.10.55 5;', PROTO_TCP, 5],
    ['192.168.10.0/24 5;', PROTO_TCP, 5],
    ['192.168.10.0/24 5 tcp;', PROTO_TCP, 5],
    ['192.168.10.0/24 5 udp;', PROTO_TCP, null],
    ['192.168.10.55 5;', PROTO_UDP, 5],
    ['192.168.10.0/24 5 udp;', PROTO_UDP, 5],
    ['192.168.10.0/24 5 tcp;', PROTO_UDP, null],
    ['192.168.10.55 0;', PROTO_TCP, 0],
    ['192.168.10.0/24 0;', PROTO_TCP, 0],
    ['192.168.10.0/24 0;', PROTO_UDP, 0],
  ])('%s, a %s packet from 192.168.10.55 -> DL %s', (line, proto, dl) => {
    expect(dlOf(load([line]), '192.168.10.55', proto)).toBe(dl)
  })
  test.each(['2001:db8:0:f101::2 0;', '2001:0db8:0000:f101:0000:0000:0000:0002 0;', '2001:DB8:0:F101::2 0;'])('IPv6 %s ignores 2001:db8:0:f101::2 in any notation', (line) => {
    const a = load([line])
    expect(dlOf(a, '2001:0db8:0000:f101:0000:0000:0000:0002')).toBe(0)
    expect(dlOf(a, '2001:db8:0:f101::2')).toBe(0)
    expect(dlOf(a, '2001:db8:0:f101::3')).toBeNull()
    expect(dlOf(a, '192.168.10.55')).toBeNull()
  })
  test('an address outside every entry has no auto_dl', () => {
    expect(dlOf(load(['192.168.10.0/24 5;']), '192.168.11.1')).toBeNull()
  })
})

describe('deterministic overlaps (psad: hash order)', () => {
  test.each([
    [['192.168.10.0/24 0;', '192.168.10.55 5;']],
    [['192.168.10.55 5;', '192.168.10.0/24 0;']],
  ])('the most specific network wins whatever the file order: %j', (lines) => {
    const a = load(lines)
    expect(dlOf(a, '192.168.10.55')).toBe(5)
    expect(dlOf(a, '192.168.10.56')).toBe(0)
  })
  test('nested /8, /16, /32 and a DL 0 hole', () => {
    const a = load(['10.0.0.0/8 2;', '10.1.0.0/16 0;', '10.1.2.3 4;', '10.1.255.255/32 5;'])
    expect(dlOf(a, '10.9.9.9')).toBe(2)
    expect(dlOf(a, '10.1.0.0')).toBe(0)
    expect(dlOf(a, '10.1.2.3')).toBe(4)
    expect(dlOf(a, '10.1.2.4')).toBe(0)
    expect(dlOf(a, '10.1.255.255')).toBe(5)
    expect(dlOf(a, '10.2.0.0')).toBe(2)
    expect(dlOf(a, '11.0.0.0')).toBeNull()
  })
  test('equal networks: an entry with matching criteria beats one without, in either order', () => {
    for (const lines of [['192.168.10.0/24 1;', '192.168.10.0/24 4 tcp;'], ['192.168.10.0/24 4 tcp;', '192.168.10.0/24 1;']]) {
      const a = load(lines)
      expect(dlOf(a, '192.168.10.9', PROTO_TCP)).toBe(4)
      expect(dlOf(a, '192.168.10.9', PROTO_UDP)).toBe(1)
    }
  })
  test('equal networks and equal criteria: the earlier line wins, with a warning', () => {
    const a = load(['192.168.10.0/24 3;', '192.168.10.0/24 5;'])
    expect(dlOf(a, '192.168.10.9')).toBe(3)
    expect(a.lookup('192.168.10.9', num('192.168.10.9'), PROTO_TCP, 1)?.entry).toBe('auto_dl:1')
    expect(a.warnings).toEqual(['auto_dl:2: 192.168.10.0/24 repeats line 1 with the same criteria; line 1 wins'])
  })
  test('a specific entry whose criteria do not match falls through to the enclosing network', () => {
    const a = load(['10.0.0.0/8 0;', '10.1.2.3 5 tcp/22;'])
    expect(dlOf(a, '10.1.2.3', PROTO_TCP, 22)).toBe(5)
    expect(dlOf(a, '10.1.2.3', PROTO_TCP, 23)).toBe(0)
    expect(dlOf(a, '10.1.2.3', PROTO_UDP, 22)).toBe(0)
  })
  test('the result names the entry (file:line) and its network', () => {
    const a = load(['# header', '', '192.168.10.0/24 5;'])
    expect(a.lookup('192.168.10.55', num('192.168.10.55'), PROTO_TCP, 80)).toEqual({ dl: 5, entry: 'auto_dl:3', network: '192.168.10.0/24' })
  })
  test('candidates() per source then pick() per packet gives the same answers as lookup()', () => {
    const a = load(['10.0.0.0/8 0;', '10.1.0.0/16 3 udp;', '10.1.2.3 5 tcp/1-1024, icmp;'])
    const c = a.candidates('10.1.2.3', num('10.1.2.3'))
    expect(c.map((e) => e.line)).toEqual([3, 2, 1])
    for (const [proto, port] of [[PROTO_TCP, 80], [PROTO_TCP, 8080], [PROTO_UDP, 53], [PROTO_ICMP, -1]] as const) {
      expect(AutoDl.pick(c, proto, port)).toBe(a.lookup('10.1.2.3', num('10.1.2.3'), proto, port))
    }
    expect(AutoDl.pick(c, PROTO_ICMP, -1)?.dl).toBe(5)
    expect(AutoDl.pick(c, PROTO_TCP, 8080)?.dl).toBe(0)
  })
})

describe('auto_dl syntax', () => {
  test('comments are never criteria (psad reads "tcp" in a comment after the ;)', () => {
    const a = load(['192.168.10.0/24 5;  # only tcp and udp scanners', '10.0.0.1 4 udp; # tcp'])
    expect(dlOf(a, '192.168.10.1', PROTO_ICMP, -1)).toBe(5)
    expect(dlOf(a, '10.0.0.1', PROTO_TCP)).toBeNull()
    expect(dlOf(a, '10.0.0.1', PROTO_UDP)).toBe(4)
  })
  test('dotted masks, prefix lengths, port ranges, comma lists', () => {
    const a = load(['10.0.0.0/255.0.0.0 3;', '192.168.4.0/22 2 tcp/1-1024, udp/53;'])
    expect(dlOf(a, '10.200.1.1')).toBe(3)
    expect(dlOf(a, '192.168.7.255', PROTO_TCP, 1024)).toBe(2)
    expect(dlOf(a, '192.168.7.255', PROTO_TCP, 1025)).toBeNull()
    expect(dlOf(a, '192.168.4.1', PROTO_UDP, 53)).toBe(2)
    expect(dlOf(a, '192.168.4.1', PROTO_UDP, 54)).toBeNull()
  })
  test('host bits in a network are masked, with a warning', () => {
    const a = load(['192.168.10.55/24 5;'])
    expect(dlOf(a, '192.168.10.1')).toBe(5)
    expect(a.warnings).toEqual(["auto_dl:1: '192.168.10.55/24' has host bits set; used as 192.168.10.0/24"])
  })
  test('an IPv6 network with host bits is masked too, with the same warning', () => {
    const a = load(['2001:db8::55/32 5;', '2001:db9::/32 4;'])
    expect(a.warnings).toEqual(["auto_dl:1: '2001:db8::55/32' has host bits set; used as 2001:db8::/32"])
  })
  test.each([
    ['192.168.10.55 5', "auto_dl:1: missing ';' at the end of auto_dl entry '192.168.10.55 5'"],
    ['192.168.10.55 7;', "auto_dl:1: invalid danger level '7' in auto_dl entry: expected 0-5"],
    ['192.168.10.55;', "auto_dl:1: expected '<address> <danger level 0-5> [criteria];' but found '192.168.10.55;'"],
    ['192.168.10.355 5;', "auto_dl:1: invalid address '192.168.10.355' in auto_dl entry"],
    ['10.0.0.0/33 5;', "auto_dl:1: invalid address '10.0.0.0/33'"],
    ['scanner.example.com 5;', "auto_dl:1: 'scanner.example.com' is a host name: expected an IPv4/IPv6 address or network"],
    ['10.0.0.1 5 gre;', "auto_dl:1: invalid criterion 'gre' in auto_dl entry: expected"],
    ['10.0.0.1 5 icmp/8;', "auto_dl:1: invalid criterion 'icmp/8' in auto_dl entry: icmp has no ports"],
    ['10.0.0.1 5 tcp/1024-1;', "auto_dl:1: invalid port range 'tcp/1024-1' in auto_dl entry"],
    ['10.0.0.1 5 tcp/70000;', "auto_dl:1: invalid port range 'tcp/70000'"],
    ['# ok\n10.0.0.1 x;', "auto_dl:2: invalid danger level 'x'"],
  ])('%j -> ConfigError naming file:line', (text, message) => {
    const err = errorOf(text)
    expect(err).toBeInstanceOf(ConfigError)
    expect(err.exit).toBe(3)
    expect(err.message.startsWith(message)).toBe(true)
  })
  test('a host name error explains why names are not resolved', () => {
    expect(errorOf('localhost 0;').hint).toMatch(/does not resolve names/)
  })
  test('text after the ; is ignored with a warning', () => {
    const a = load(['10.0.0.1 5; 10.0.0.2 5;'])
    expect(a.entries.length).toBe(1)
    expect(a.warnings[0]).toBe("auto_dl:1: text after ';' ignored: '10.0.0.2 5;'")
  })
  test('ignoredOverlapping finds DL 0 entries a blocker must respect', () => {
    const a = load(['10.1.0.0/16 0;', '10.2.0.0/16 5;', '2001:db8::/32 0;'])
    const net = (t: string): Network => parseNetwork(t)!
    expect(a.ignoredOverlapping(net('10.0.0.0/8')).map((e) => e.line)).toEqual([1])
    expect(a.ignoredOverlapping(net('10.1.2.3')).map((e) => e.line)).toEqual([1])
    expect(a.ignoredOverlapping(net('10.2.2.3')).map((e) => e.line)).toEqual([])
    expect(a.ignoredOverlapping(net('2001:db8::1')).map((e) => e.line)).toEqual([3])
  })
})

describe('many entries', () => {
  test('20,000 random entries agree with a brute-force most-specific search', () => {
    let seed = 7
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0)
    const lines: string[] = []
    const nets: { lo: number; hi: number; prefix: number; dl: number; line: number }[] = []
    for (let i = 0; i < 20000; i++) {
      const prefix = [8, 12, 16, 20, 24, 28, 32][rnd() % 7]!
      const base = (rnd() & 0x0fffffff) | 0x0a000000
      const lo = prefix === 0 ? 0 : (base & (prefix === 32 ? 0xffffffff : ~((1 << (32 - prefix)) - 1))) >>> 0
      const hi = lo + 2 ** (32 - prefix) - 1
      const dl = rnd() % 6
      lines.push(`${lo >>> 24}.${(lo >>> 16) & 255}.${(lo >>> 8) & 255}.${lo & 255}/${prefix} ${dl};`)
      nets.push({ lo, hi, prefix, dl, line: i + 1 })
    }
    const a = parseAutoDl(lines.join('\n'), 'big')
    for (let k = 0; k < 1000; k++) {
      const addr = k % 2 === 0 ? nets[rnd() % nets.length]!.lo : ((rnd() & 0x0fffffff) | 0x0a000000) >>> 0
      let best: (typeof nets)[number] | null = null
      for (const n of nets) if (addr >= n.lo && addr <= n.hi && (best === null || n.prefix > best.prefix)) best = n
      const text = `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`
      const got = a.lookup(text, addr, PROTO_TCP, 80)
      expect(got?.dl ?? null).toBe(best?.dl ?? null)
      if (best !== null) expect(Number(got!.entry.split(':')[1])).toBe(best.line)
    }
  })
})
