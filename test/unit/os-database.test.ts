import { describe, expect, test } from 'vitest'
import { BUNDLED_OS_DATABASE, loadOsDatabase } from '../../src/config/os-files.js'
import { explainSyn, newOsState, observeSyn, osGuesses } from '../../src/detect/os/index.js'
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
