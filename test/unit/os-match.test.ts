import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/core/errors.js'
import { BUNDLED_OS_DATABASE, loadOsDatabase } from '../../src/config/os-files.js'
import { compileOsDatabase, explainSyn, newOsState, observeSyn, osGuesses, posfValues, verdicts, type OsDatabase } from '../../src/detect/os/index.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'
import { synPacket, type SynSpec } from '../helpers/os-syn.js'

const syn = (s: SynSpec = {}): Packet => synPacket(s, '020405B40402080A71FF303F000000000103030A')

const lineParser = new LineParser({ sidString: 'SID' })

function fromLog(body: string): Packet {
  const p = lineParser.parse(body, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') {
    const err = `${p} ${lineParser.error}`
    throw new Error(`${err}: ${body}`)
  }
  return p
}

const db = (fp: string, posf = ''): OsDatabase => compileOsDatabase({ p0f: [{ file: 't.fp', text: fp }], posf: [{ file: 't.posf', text: posf }] })

function guess(d: OsDatabase, pkts: Packet[], maxHops = 20) {
  const st = newOsState()
  for (const p of pkts) observeSyn(d, st, p, maxHops)
  return osGuesses(d, st)
}
const best = (d: OsDatabase, p: Packet, maxHops = 20): string | undefined => guess(d, [p], maxHops)[0]?.os

const LINUX = db('S44:64:1:60:M*,S,T,N,W10:Linux:6::Linux 6.x\n')

describe('p0f matching boundaries', () => {
  test.each([
    [64, 20, true], [45, 20, true], [44, 20, false], [65, 20, false], [35, 30, true], [34, 30, false], [64, 1, true], [63, 1, false],
  ])('TTL %i with MAX_HOPS %i against initial 64: %s', (ttl, hops, ok) => {
    expect(best(LINUX, syn({ ttl }), hops)).toBe(ok ? 'Linux 6.x' : undefined)
  })

  test('the TTL-bucket cache does not leak verdicts across the window edge', () => {
    const st = newOsState()
    expect(observeSyn(LINUX, st, syn({ ttl: 45 }), 20)).toBe('p0f')
    expect(observeSyn(LINUX, st, syn({ ttl: 44 }), 20)).toBe('p0f-unknown')
    expect(observeSyn(LINUX, st, syn({ ttl: 50 }), 20)).toBe('p0f')
    expect(observeSyn(LINUX, st, syn({ ttl: 44 }), 30)).toBe('p0f')
  })

  test('DF must agree for IPv4 and is not compared for IPv6', () => {
    expect(best(LINUX, syn({ df: false }))).toBeUndefined()
    expect(best(db('S44:64:0:60:M*,S,T,N,W10:X:1::x\n'), syn({ df: true }))).toBeUndefined()
    expect(best(db('S44:64:*:60:M*,S,T,N,W10:X:1::x\n'), syn({ df: false }))).toBe('x')
    // IPv6: hop limit, LEN = payload + 40 (80 here for size 60), MSS 1440 so 44 x 1440 = 63360.
    expect(best(LINUX, syn({ ipv6: true, len: 80, df: false, window: 63360, opts: '020405A00402080A0000000100000000010303 0A' }))).toBe('Linux 6.x')
  })

  test('window: literal, %n, Sn needs an MSS option anywhere, Tn = n x (MSS + 40), IPv6 MSS + 60', () => {
    const opts = '0101020405B4' // N,N,M1460: the MSS is not first (psad would refuse Sn here)
    expect(best(db('S10:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 14600, opts }))).toBe('x')
    expect(best(db('S10:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 14601, opts }))).toBeUndefined()
    expect(best(db('%8192:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 16384, opts }))).toBe('x')
    expect(best(db('%8192:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 16383, opts }))).toBeUndefined()
    expect(best(db('T4:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 4 * 1500, opts }))).toBe('x')
    expect(best(db('T4:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 66, ipv6: true, window: 4 * 1520, opts }))).toBe('x')
    expect(best(db('T4:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 66, ipv6: true, window: 4 * 1500, opts }))).toBeUndefined()
    expect(best(db('4096:64:1:46:N,N,M*:X:1::x\n'), syn({ len: 46, window: 4096, opts }))).toBe('x')
  })

  test('size literal, * and %n', () => {
    expect(best(db('*:64:1:%4:M*,S,T,N,W10:X:1::x\n'), syn({ len: 60 }))).toBe('x')
    expect(best(db('*:64:1:%7:M*,S,T,N,W10:X:1::x\n'), syn({ len: 60 }))).toBeUndefined()
    expect(best(db('*:64:1:*:M*,S,T,N,W10:X:1::x\n'), syn({ len: 61 }))).toBe('x')
    expect(best(db('*:64:1:61:M*,S,T,N,W10:X:1::x\n'), syn({ len: 60 }))).toBeUndefined()
  })

  test('option values: M literal/%n, W */%n/literal, T vs T0', () => {
    const p = syn()
    expect(best(db('*:64:1:60:M1460,S,T,N,W*:X:1::x\n'), p)).toBe('x')
    expect(best(db('*:64:1:60:M1400,S,T,N,W*:X:1::x\n'), p)).toBeUndefined()
    expect(best(db('*:64:1:60:M%20,S,T,N,W%5:X:1::x\n'), p)).toBe('x')
    expect(best(db('*:64:1:60:M%3,S,T,N,W*:X:1::x\n'), p)).toBeUndefined()
    expect(best(db('*:64:1:60:M*,S,T,N,W7:X:1::x\n'), p)).toBeUndefined()
    expect(best(db('*:64:1:60:M*,S,T0,N,W*:X:1::x\n'), p)).toBeUndefined()
    const zeroTs = syn({ opts: '020405B40402080A00000000000000000103030A' })
    expect(best(db('*:64:1:60:M*,S,T0,N,W*:X:1::x\n'), zeroTs)).toBe('x')
    expect(best(db('*:64:1:60:M*,S,T,N,W*:X:1::x\n'), zeroTs)).toBeUndefined()
  })

  test("the whole option list must match (psad: extra options pass, '.' matches anything)", () => {
    expect(best(db('*:64:1:60:M*,S,T:X:1::x\n'), syn())).toBeUndefined()
    expect(best(db('*:64:1:60:M*,S,T,N,W*,N:X:1::x\n'), syn())).toBeUndefined()
    expect(best(db('*:64:1:*:.:X:1::x\n'), syn())).toBeUndefined()
    expect(best(db('*:64:0:40:.:X:1::x\n'), syn({ len: 40, df: false, opts: null }))).toBe('x')
    expect(best(db('*:64:1:*:M*,S:X:1::x\n'), syn({ len: 58, opts: '020405B404021E0C0081AABBCCDDEEFF0011' }))).toBeUndefined()
    expect(best(db('*:64:1:*:M*,S,?30:X:1::x\n'), syn({ len: 58, opts: '020405B404021E0C0081AABBCCDDEEFF0011' }))).toBe('x')
  })
})

describe('ranking: one best guess, deterministic', () => {
  test('exact beats @generic; more pinned fields beat fewer; equal ones are named in alsoMatched', () => {
    const d = db([
      '*:64:1:60:M*,S,T,N,W*:@Linux:::Linux (generic)',
      'S44:64:1:60:M*,S,T,N,W*:Linux:A::Linux A',
      'S44:64:1:60:M*,S,T,N,W10:Linux:B::Linux B',
      'S44:64:1:60:M1460,S,T,N,W10:Linux:C::Linux C',
      '64240:64:1:60:M1460,S,T,N,W10:Linux:D::Linux D',
      '64240:64:1:60:M1460,S,T,N,W10:Linux:E::Linux E',
    ].join('\n'))
    const [g] = guess(d, [syn()])
    expect(g).toMatchObject({ os: 'Linux D', method: 'p0f', scanner: false, generic: false, signature: 't.fp:5', alsoMatched: ['Linux E'] })
    expect(explainSyn(d, syn(), 20)!.map((e) => e.label)).toEqual(['Linux D', 'Linux E', 'Linux C', 'Linux B', 'Linux A', 'Linux (generic)'])
    const generic = guess(d, [syn({ window: 65000 })])
    expect(generic).toMatchObject([{ os: 'Linux (generic)', generic: true, alsoMatched: [] }])
  })

  test('load order breaks a tie the same way every time', () => {
    const a = 'S44:64:1:60:M*,S,T,N,W10:X:1::first\n'
    const b = 'S44:64:1:60:M*,S,T,N,W10:Y:1::second\n'
    expect(guess(db(a + b), [syn()])[0]).toMatchObject({ os: 'first', alsoMatched: ['second'] })
    expect(guess(db(b + a), [syn()])[0]).toMatchObject({ os: 'second', alsoMatched: ['first'] })
  })

  test('a userland (scanner) entry outranks an OS entry with the same fields', () => {
    const d = db('4096:64:0:44:M1460:SunOS:4.1::SunOS 4.1.x\n4096:64:0:44:M1460:*nmap:SYN scan::nmap SYN scan\n')
    expect(guess(d, [syn({ ttl: 50, len: 44, window: 4096, df: false, opts: '020405B4' })])[0]).toMatchObject({ os: 'nmap SYN scan', scanner: true })
  })

  test('userland TTL is bounded only from above (nmap picks 37-59)', () => {
    const d = db('1024:64:0:44:M1460:*nmap:SYN scan::nmap SYN scan\n')
    expect(best(d, syn({ ttl: 21, len: 44, window: 1024, df: false, opts: '020405B4' }))).toBe('nmap SYN scan')
    expect(best(d, syn({ ttl: 65, len: 44, window: 1024, df: false, opts: '020405B4' }))).toBeUndefined()
  })

  test('a bad MAX_HOPS is a ConfigError', () => {
    expect(() => observeSyn(LINUX, newOsState(), syn(), 0)).toThrow(ConfigError)
    expect(() => observeSyn(LINUX, newOsState(), syn(), 1.5)).toThrow(/invalid MAX_HOPS '1.5': expected a whole number 1-255/)
  })
})

// Captured here with nmap 7.93 against a veth peer (see signatures/os/portsleuth.fp).
const NMAP_SS = 'IN=psosH0 OUT= MAC=f2:e0:7b:b7:e7:fd:2a:75:48:9b:93:ec:08:00 SRC=10.213.7.2 DST=10.213.7.1 LEN=44 TOS=0x00 PREC=0x00 TTL=37 ID=34056 PROTO=TCP SPT=59792 DPT=100 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) '
const NMAP_SS6 = 'IN=psosH0 OUT= MAC=f2:e0:7b:b7:e7:fd:2a:75:48:9b:93:ec:86:dd SRC=fd13:0213:0007:0000:0000:0000:0000:0002 DST=fd13:0213:0007:0000:0000:0000:0000:0001 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=TCP SPT=63891 DPT=47219 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) '
const NMAP_ECN = 'IN=psosH0 OUT= MAC=f2:e0:7b:b7:e7:fd:2a:75:48:9b:93:ec:08:00 SRC=10.213.7.2 DST=10.213.7.1 LEN=52 TOS=0x00 PREC=0x00 TTL=52 ID=31331 PROTO=TCP SPT=39311 DPT=47219 WINDOW=3 RES=0x20 CWR ECE SYN URGP=63477 OPT (03030A01020405B404020101) '
const LINUX6 = 'IN=psosH0 OUT= MAC=f2:e0:7b:b7:e7:fd:2a:75:48:9b:93:ec:86:dd SRC=fd13:0213:0007:0000:0000:0000:0000:0002 DST=fd13:0213:0007:0000:0000:0000:0000:0001 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=466123 PROTO=TCP SPT=54728 DPT=9 WINDOW=64800 RES=0x00 SYN URGP=0 OPT (020405A00402080A80600671000000000103030A) '

const bundled = await loadOsDatabase(BUNDLED_OS_DATABASE)

describe('scanners are scanners, not SunOS (psad Appendix B 17)', () => {
  test('nmap -sS, IPv4 and IPv6, and an OS-detection probe', () => {
    expect(guess(bundled, [fromLog(NMAP_SS)])).toMatchObject([{ os: 'nmap SYN scan', method: 'p0f', scanner: true }])
    expect(guess(bundled, [fromLog(NMAP_SS6)])).toMatchObject([{ os: 'nmap SYN scan', method: 'p0f', scanner: true }])
    expect(guess(bundled, [fromLog(NMAP_ECN)])).toMatchObject([{ os: 'nmap OS detection probe', scanner: true }])
  })
  test('masscan and ZMap SYNs carry no options: fingerprinted from size 40 even without a logged blob', () => {
    const masscan = syn({ ttl: 243, len: 40, window: 1024, df: false, opts: null })
    const st = newOsState()
    expect(observeSyn(bundled, st, masscan, 20)).toBe('p0f')
    expect(osGuesses(bundled, st)).toMatchObject([{ os: 'masscan SYN scan', scanner: true }])
    expect(best(bundled, syn({ ttl: 240, len: 40, window: 65535, df: false, opts: null, ipId: 54321 }))).toBe('ZMap SYN scan')
  })
  test('a source that scans and also connects lists the scanner first', () => {
    const pkts = [fromLog(LINUX6), fromLog(LINUX6), fromLog(NMAP_SS6)]
    expect(guess(bundled, pkts).map((g) => [g.os, g.packets])).toEqual([['nmap SYN scan', 1], ['Linux 6.x', 2]])
  })
  test.skipIf(!existsSync('/etc/psad/pf.os'))("with psad's pf.os loaded too, nmap's window-4096 SYN is still nmap", async () => {
    const both = await loadOsDatabase({ p0f: [...BUNDLED_OS_DATABASE.p0f, '/etc/psad/pf.os'], posf: [] })
    const p = syn({ ttl: 50, len: 44, window: 4096, df: false, opts: '020405B4' })
    expect(explainSyn(both, p, 20)!.map((e) => e.label)).toEqual(['nmap SYN scan', 'SunOS 4.1.x'])
    expect(guess(both, [p])[0]).toMatchObject({ os: 'nmap SYN scan', scanner: true })
    expect(guess(both, [fromLog(NMAP_SS)])[0]!.os).toBe('nmap SYN scan')
    expect(guess(both, [fromLog(LINUX6)])[0]!.os).toBe('Linux 6.x')
  })
})

describe('observeSyn outcomes and bounded state', () => {
  test('each SYN ends in exactly one outcome; malformed options are counted, not thrown', () => {
    const st = newOsState()
    expect(observeSyn(LINUX, st, syn({ opts: '0204' }), 20)).toBe('undecodable')
    expect(observeSyn(LINUX, st, syn({ opts: 'ABC' }), 20)).toBe('undecodable')
    expect(observeSyn(LINUX, st, { ...syn(), ttl: -1 }, 20)).toBe('incomplete')
    expect(observeSyn(LINUX, st, syn({ opts: null }), 20)).toBe('posf')
    expect(observeSyn(LINUX, st, syn({ opts: null, ipv6: true, len: 80 }), 20)).toBe('no-options')
    expect(observeSyn(LINUX, st, syn({ window: 1 }), 20)).toBe('p0f-unknown')
    expect(observeSyn(LINUX, st, syn(), 20)).toBe('p0f')
    expect(st).toMatchObject({ syns: 7, undecodable: 2, unknown: 1 })
    expect(osGuesses(LINUX, st).map((g) => g.os)).toEqual(['Linux 6.x'])
  })

  test('at most four verdicts are kept per source; the rest are counted', () => {
    const d = db(Array.from({ length: 10 }, (_, i) => `${1000 + i}:64:1:60:M*,S,T,N,W*:X:${i}::os${i}`).join('\n'))
    const st = newOsState()
    for (let i = 0; i < 10; i++) observeSyn(d, st, syn({ window: 1000 + i }), 20)
    observeSyn(d, st, syn({ window: 1000 }), 20)
    expect(verdicts(st)).toHaveLength(4)
    expect(st.otherVerdicts).toBe(6)
    expect(osGuesses(d, st).map((g) => [g.os, g.packets])).toEqual([['os0', 2], ['os1', 1], ['os2', 1], ['os3', 1]])
  })
})

const POSF = `OS Counter OS; NUMPKTS 3; TOS 0x00; LEN 48; TTL 128; ID SMALLINCR; WINDOW 16384;
OS Random OS; NUMPKTS 3; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 5840;
OS *scanner; NUMPKTS 2; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 1024;
`
const P = db('', POSF)
const bare = (s: SynSpec) => syn({ ...s, opts: null })

describe('posf fallback (SYNs without logged options, IPv4)', () => {
  test('needs NUMPKTS SYNs, then matches LEN, WINDOW, TTL range and ID behaviour', () => {
    const pk = (id: number) => bare({ len: 48, ttl: 120, window: 16384, ipId: id })
    expect(guess(P, [pk(10), pk(11)])).toEqual([])
    expect(guess(P, [pk(10), pk(11), pk(15)])).toMatchObject([{ os: 'Counter OS', method: 'posf', scanner: false, packets: 3, signature: 't.posf:1' }])
    expect(guess(P, [pk(10), pk(11), pk(2000)])).toEqual([]) // a step of 1000 or more is not SMALLINCR
    expect(guess(P, [pk(65534), pk(1), pk(5)])[0]?.os).toBe('Counter OS') // the ID wraps at 65536
    expect(guess(P, [pk(10), pk(10), pk(11)])).toEqual([]) // no step is not an increment
  })

  test('TTL: every SYN within MAX_HOPS below the entry, none above', () => {
    const pk = (ttl: number, id: number) => bare({ len: 60, ttl, window: 5840, ipId: id })
    expect(guess(P, [pk(64, 9000), pk(45, 100), pk(50, 30000)])[0]?.os).toBe('Random OS')
    expect(guess(P, [pk(64, 9000), pk(44, 100), pk(50, 30000)])).toEqual([])
    expect(guess(P, [pk(64, 9000), pk(44, 100), pk(50, 30000)], 30)[0]?.os).toBe('Random OS')
    expect(guess(P, [pk(65, 9000), pk(50, 100), pk(50, 30000)])).toEqual([])
  })

  test('scanner entries only bound the TTL from above', () => {
    const pk = (ttl: number, id: number) => bare({ len: 44, ttl, window: 1024, ipId: id, df: false })
    expect(guess(P, [pk(37, 500), pk(59, 40000)])).toMatchObject([{ os: 'scanner', method: 'posf', scanner: true }])
  })

  test('IPv6 SYNs without options are not used by posf (no IP ID)', () => {
    const st = newOsState()
    for (let i = 0; i < 5; i++) observeSyn(P, st, bare({ ipv6: true, len: 80, window: 5840 }), 20)
    expect(st.posfSyns).toBe(0)
  })

  test('remembers at most 8 LEN and WINDOW values per source', () => {
    const st = newOsState()
    for (let i = 0; i < 50; i++) observeSyn(P, st, bare({ len: 100 + i, window: 100 + i, ipId: i * 7919 }), 20)
    expect(posfValues(st)).toEqual({ lens: [100, 101, 102, 103, 104, 105, 106, 107], windows: [100, 101, 102, 103, 104, 105, 106, 107] })
    expect(st.posfSyns).toBe(50)
  })
})

describe('the verdict cache', () => {
  // Verdicts are cached by (TTL bucket, window, size, DF, options): a key that folded a value into
  // fewer bits would let one SYN's verdict stand for another's.
  const scanner = (): OsDatabase => db('65535:64:1:60:M*,S,T,N,W10:Linux:6::Real scanner\n255:255:1:60:M*,S,T,N,W10:Linux:6::Far host\n')

  test.each([
    ['WINDOW=131071 before WINDOW=65535', { window: 131071 }, { window: 65535 }, 'Real scanner'],
    ['size 65596 before size 60', { window: 65535, len: 65596 }, { window: 65535 }, 'Real scanner'],
    ['TTL 300 before TTL 255', { window: 255, ttl: 300 }, { window: 255, ttl: 255 }, 'Far host'],
  ])('a forged SYN with %s does not poison the real one\'s slot', (_name, forged, real, os) => {
    const d = scanner()
    expect(best(d, syn(forged))).toBeUndefined()
    expect(best(d, syn(real))).toBe(os)
    expect(best(scanner(), syn(real))).toBe(os)
  })

  test('end to end, the forged line is refused and the real scanner keeps its OS guess', () => {
    const parser = new LineParser({ sidString: 'SID' })
    const line = (window: number): string => `Nov 22 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=${window} RES=0x00 SYN URGP=0 OPT (020405B40402080A71FF303F000000000103030A) `
    expect(parser.parse(line(131071), { year: 2026, reference: Date.UTC(2026, 10, 22) })).toBe('malformed')
    expect(best(scanner(), fromLog(line(65535)))).toBe('Real scanner')
  })
})

describe('window multiples and TTL ranking edges', () => {
  test('Sn and Tn use the MSS even when it is 0 (window 0, and n x 40 for IPv4)', () => {
    const mss0 = '02040000'
    expect(best(db('S44:64:1:44:M*:X:1::x\n'), syn({ len: 44, window: 0, opts: mss0 }))).toBe('x')
    expect(best(db('S44:64:1:44:M*:X:1::x\n'), syn({ len: 44, window: 44, opts: mss0 }))).toBeUndefined()
    expect(best(db('T2:64:1:44:M*:X:1::x\n'), syn({ len: 44, window: 80, opts: mss0 }))).toBe('x')
    expect(best(db('T2:64:1:44:M*:X:1::x\n'), syn({ len: 64, ipv6: true, window: 120, opts: mss0 }))).toBe('x')
  })

  test('a Tn entry without an M option never matches, not even a window of n x 40', () => {
    const d = compileOsDatabase({ p0f: [{ file: 't.fp', text: 'T1:64:0:40:.:X:1::x\nT1:64:0:60:.:X:1::x6\n' }], posf: [] })
    expect(best(d, syn({ len: 40, df: false, window: 40, opts: null }))).toBeUndefined()
    expect(best(d, syn({ len: 40, df: false, window: 39, opts: null }))).toBeUndefined()
    expect(best(d, syn({ len: 80, ipv6: true, window: 59, opts: '' }))).toBeUndefined()
  })

  test('among equally ranked entries the nearer initial TTL comes first, whatever the load order', () => {
    const d = db(['*:255:1:60:M*,S,T,N,W*:A:1::far', '*:128:1:60:M*,S,T,N,W*:B:1::middle', '*:64:1:60:M*,S,T,N,W*:C:1::near'].join('\n'))
    expect(explainSyn(d, syn({ ttl: 60 }), 255)!.map((e) => e.label)).toEqual(['near', 'middle', 'far'])
    expect(guess(d, [syn({ ttl: 60 })], 255)[0]).toMatchObject({ os: 'near', alsoMatched: ['middle', 'far'] })
  })
})
