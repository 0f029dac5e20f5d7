import { describe, expect, test } from 'vitest'
import { BUNDLED_OS_DATABASE, loadOsDatabase } from '../../src/config/os-files.js'
import { compileOsDatabase, explainSyn, newOsState, observeSyn, osGuesses } from '../../src/detect/os/index.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'

// Every shipped signature carries sample log lines that must come out as that signature, and the
// suite fails for a signature without one (STYLE.md, after fail2ban's "Regex has no samples").

const lineParser = new LineParser({ sidString: 'SID' })

function fromLog(body: string): Packet {
  const p = lineParser.parse(body, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') {
    const err = `${p} ${lineParser.error}`
    throw new Error(`sample does not parse (${err}): ${body}`)
  }
  return p
}

const db = await loadOsDatabase(BUNDLED_OS_DATABASE)
const MAX_HOPS = 20

describe('bundled p0f database (signatures/os/portsleuth.fp)', () => {
  test('loads without warnings and covers the required systems and scanners', () => {
    expect(db.warnings).toEqual([])
    const genres = new Set(db.p0fEntries.map((e) => e.genre))
    for (const g of ['Linux', 'Android', 'Windows', 'macOS', 'FreeBSD', 'OpenBSD', 'nmap', 'masscan', 'ZMap']) expect(genres).toContain(g)
    expect(db.p0fEntries.filter((e) => e.genre === 'Windows').map((e) => e.label)).toEqual(
      expect.arrayContaining(['Windows 10/11, Server 2016+', 'Windows Vista/7, Server 2008']),
    )
  })

  test.each(db.p0fEntries.map((e) => [`${e.line}: ${e.label}`, e] as const))('%s: its samples match it', (_name, e) => {
    expect(e.samples.length, 'every signature needs at least one #sample line').toBeGreaterThan(0)
    for (const s of e.samples) {
      const pkt = fromLog(s)
      expect(explainSyn(db, pkt, MAX_HOPS), s).toContain(e)
      const st = newOsState()
      expect(observeSyn(db, st, pkt, MAX_HOPS)).toBe('p0f')
      const [g] = osGuesses(db, st)
      expect(g, s).toMatchObject({ os: e.label, method: 'p0f', scanner: e.userland, generic: e.generic })
    }
  })

  test('Linux signatures are backed by SYNs captured from a real kernel (veth or loopback)', () => {
    for (const e of db.p0fEntries.filter((x) => x.genre === 'Linux')) {
      expect(e.samples.some((s) => s.startsWith('IN=psosH0 ') || s.startsWith('IN= OUT=lo ')), `${e.line} ${e.label}`).toBe(true)
    }
  })
})

describe('bundled posf database (signatures/os/portsleuth.posf)', () => {
  test.each(db.posfEntries.map((e) => [`${e.line}: ${e.name}`, e] as const))('%s: its samples, as one source, match it', (_name, e) => {
    expect(e.samples.length, 'every entry needs NUMPKTS #sample lines').toBeGreaterThanOrEqual(Math.max(2, e.numPkts))
    const st = newOsState()
    for (const s of e.samples) {
      const pkt = fromLog(s)
      expect(pkt.tcpOpts, 'posf samples are logged without TCP options').toBeNull()
      expect(observeSyn(db, st, pkt, MAX_HOPS)).toBe('posf')
    }
    expect(osGuesses(db, st)[0]).toMatchObject({ os: e.name, method: 'posf', scanner: e.scanner, packets: e.samples.length })
  })
})

describe('compiling the database', () => {
  const d = compileOsDatabase(
    {
      p0f: [
        { file: 'a.fp', text: 'S4:64:1:40:.:X:1::never\n1:64:1:60:M*:A:1::a1\n' },
        { file: 'b.fp', text: '2:64:1:60:M*:B:1::b1\n#sample orphan\n' },
      ],
      posf: [
        { file: 'c.posf', text: 'OS Plain 1; NUMPKTS 1; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 1;\nOS *scan 1; NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 2;\n' },
        { file: 'd.posf', text: 'OS Plain 2; NUMPKTS 1; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 3;\nOS *scan 2; NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 4\n' },
      ],
    },
    { strict: false },
  )

  test('names its files in load order', () => {
    expect(d.files).toEqual({ p0f: ['a.fp', 'b.fp'], posf: ['c.posf', 'd.posf'] })
  })

  test('keeps p0f entries in load order and posf scanner entries first, each once', () => {
    expect(d.p0fEntries.map((e) => `${e.file}:${e.line} ${e.label}`)).toEqual(['a.fp:1 never', 'a.fp:2 a1', 'b.fp:1 b1'])
    expect(d.p0f.size).toBe(3)
    expect(d.posfEntries.map((e) => `${e.file}:${e.line} ${e.name}`)).toEqual(['c.posf:2 scan 1', 'd.posf:2 scan 2', 'c.posf:1 Plain 1', 'd.posf:1 Plain 2'])
  })

  test('collects every warning, p0f files first', () => {
    expect(d.warnings).toEqual([
      "a.fp:1: window 'S4' is a multiple of the MSS but the entry has no M option: it can never match",
      'b.fp:2: #sample lines are not followed by an entry',
      "d.posf:2: missing ';' after 'WINDOW 4': expected 'OS name;', 'NUMPKTS n;', 'TOS 0xNN;', 'LEN n;', 'TTL n;', 'ID SMALLINCR|RANDOM;' or 'WINDOW n;' (read as if it were there; psad would merge it with the next line)",
    ])
  })

  test('an empty database has no entries, files or warnings', () => {
    expect(compileOsDatabase({ p0f: [], posf: [] })).toMatchObject({ files: { p0f: [], posf: [] }, p0fEntries: [], posfEntries: [], warnings: [] })
  })
})
