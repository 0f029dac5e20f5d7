import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixedClock } from '../helpers/clock.js'
import { EXIT, InternalError, StateError } from '../../src/core/errors.js'
import type { Detector } from '../../src/detect/detector.js'
import { detectorOf, type DetectorParts } from '../helpers/detector.js'
import { keyText } from '../../src/detect/state.js'
import { buildReport, reportPart } from '../../src/report/build.js'
import { StateStore, type OpenedState } from '../../src/state/store.js'
import { readStateSummary } from '../helpers/state-summary.js'
import { tempDir } from '../helpers/cli.js'
import { feed, packetStream, streamParts } from '../helpers/packet-stream.js'

// The store keeps the engine state across restarts: what a reopened store restores, fed the same
// further lines, reports exactly what the analyzer that saved it reports; a save writes only what
// changed; a save that fails leaves the previous one intact; an unusable file is set aside.

const { dir: root, cleanup } = tempDir()
afterAll(cleanup)
let parts: DetectorParts
beforeAll(async () => {
  parts = await streamParts()
})

const NOW = Date.UTC(2026, 10, 22, 12)
let n = 0
const fresh = (): string => path.join(root, `s${++n}`)

function open(dir: string, opts: { maxSources?: number; sliceMs?: number; log?: string[] } = {}): OpenedState {
  const log = opts.log ?? []
  return StateStore.open(dir, {
    clock: fixedClock(NOW),
    log: (m) => log.push(m),
    analyzer: () => detectorOf(parts),
    tracker: { maxSources: opts.maxSources },
    sliceMs: opts.sliceMs,
  })
}

/** One SYN from each of n distinct sources. */
function manySources(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    `2026-11-22T06:00:${String(i % 60).padStart(2, '0')}Z fw kernel: DROP IN=eth0 OUT= SRC=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=4 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 `)
}

const reportOf = (a: Detector): string => JSON.stringify(buildReport({ parts: [reportPart(a, parts.settings)], inputs: [] }, 'test'))

function rows(dir: string, sql: string): unknown[] {
  const db = new Database(path.join(dir, 'state.db'), { readonly: true })
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

describe('save and restore', () => {
  test('a reopened store continues exactly where the saved analyzer was, with the caller records', async () => {
    const dir = fresh()
    const lines = packetStream({ seed: 11, lines: 3000 })
    const first = open(dir)
    expect(first.restored).toBeNull()
    const twin = detectorOf(parts)
    feed(first.analyzer, lines.slice(0, 1000))
    feed(twin, lines.slice(0, 1000))
    await first.store.save({ checkpoints: { set: [['kern.log', { offset: 1000 }]] }, alerts: { set: [['203.0.113.5', { dl: 2 }]] }, blocks: { set: [['b1', { ip: '203.0.113.5' }]] } })
    feed(first.analyzer, lines.slice(1000, 2000))
    feed(twin, lines.slice(1000, 2000))
    first.tracker.expire()
    twin.engine.tracker = null
    await first.store.save({ checkpoints: { set: [['kern.log', { offset: 2000 }]] }, blocks: { delete: ['b1'] } })
    await first.store.close()

    const again = open(dir)
    expect(again.restored).toMatchObject({ savedAt: NOW, created: NOW, sources: again.analyzer.engine.sources.size })
    expect([...again.restored!.checkpoints]).toEqual([['kern.log', { offset: 2000 }]])
    expect([...again.restored!.alerts]).toEqual([['203.0.113.5', { dl: 2 }]])
    expect([...again.restored!.blocks]).toEqual([])
    expect(reportOf(again.analyzer)).toBe(reportOf(first.analyzer))
    feed(again.analyzer, lines.slice(2000))
    feed(first.analyzer, lines.slice(2000))
    expect(reportOf(again.analyzer)).toBe(reportOf(first.analyzer))
    await again.store.close()
  })

  test('a save writes only what changed: sources touched, evicted rows deleted, new timeline minutes, changed ports', async () => {
    const dir = fresh()
    const s = open(dir, { maxSources: 1000 })
    const lines = packetStream({ seed: 12, lines: 2000 })
    feed(s.analyzer, lines)
    const all = await s.store.save()
    expect(all.sources).toBe(s.analyzer.engine.sources.size)
    const second = await s.store.save()
    expect(second).toMatchObject({ sources: 0, removed: 0, ports: 0 })
    expect(second.timelineRows).toBeLessThanOrEqual(1)
    // One more line from a known source to a new port.
    const one = `${new Date(Date.UTC(2026, 10, 30)).toISOString()} fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.168.7.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=4 DPT=31999 WINDOW=1024 RES=0x00 SYN URGP=0 `
    feed(s.analyzer, [one])
    // Its minute, and the minute that was current at the last save (counted since through the engine's cache).
    expect(await s.store.save()).toMatchObject({ sources: 1, removed: 0, ports: 1, timelineRows: 2 })
    expect(rows(dir, "SELECT packets FROM ports WHERE proto = 6 AND port = 31999")).toEqual([{ packets: 1 }])
    await s.store.close()
  })

  test('evicted sources leave the store; the counter is saved', async () => {
    const dir = fresh()
    const s = open(dir, { maxSources: 32 })
    const syn = (i: number): string =>
      `${new Date(Date.UTC(2026, 10, 22, 6) + i * 1000).toISOString()} fw kernel: DROP IN=eth0 OUT= SRC=10.8.${i >> 8}.${i & 255} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=4 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 `
    feed(s.analyzer, Array.from({ length: 32 }, (_, i) => syn(i)))
    await s.store.save()
    feed(s.analyzer, Array.from({ length: 10 }, (_, i) => syn(100 + i)))
    const st = await s.store.save()
    expect(st.removed).toBe(s.tracker.evicted)
    const ips = (rows(dir, 'SELECT ip FROM sources') as { ip: string }[]).map((r) => r.ip).sort()
    const live: string[] = []
    s.analyzer.engine.sources.forEach((x) => live.push(keyText(x.key)))
    expect(ips).toEqual(live.sort())
    await s.store.close()
    const again = open(dir, { maxSources: 32 })
    expect(again.tracker.evicted).toBe(s.tracker.evicted)
    expect(again.tracker.evicted).toBeGreaterThan(0)
    await again.store.close()
  })

  test('the status columns of a source row: address, DL, packets, first and last seen', async () => {
    const dir = fresh()
    const s = open(dir)
    feed(s.analyzer, packetStream({ seed: 13, lines: 500 }))
    await s.store.save()
    const byIp = new Map((rows(dir, 'SELECT ip, dl, packets, first_seen, last_seen FROM sources') as any[]).map((r) => [r.ip, r]))
    const e = s.analyzer.engine
    e.sources.forEach((src) => {
      expect(byIp.get(keyText(src.key))).toEqual({
        ip: keyText(src.key), dl: src.dl, packets: src.packets, first_seen: Math.floor(e.base + src.firstSeen), last_seen: Math.floor(e.base + src.lastSeen),
      })
    })
    await s.store.close()
  })
})

describe('a save in slices', () => {
  test('a worker thread copies the write-ahead log into the database after a save', async () => {
    const dir = fresh()
    const s = open(dir)
    feed(s.analyzer, packetStream({ seed: 19, lines: 3000 }))
    await s.store.save()
    const r = await s.store.checkpoint()
    if (r instanceof Error) throw r
    expect(r.frames).toBeGreaterThan(10)
    expect(r.copied).toBe(r.frames)
    // Copied: the database file alone (no log) holds the save.
    const copy = path.join(dir, 'copy.db')
    writeFileSync(copy, readFileSync(path.join(dir, 'state.db')))
    const db = new Database(copy, { readonly: true })
    expect((db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n).toBe(s.analyzer.engine.sources.size)
    db.close()
    await s.store.close()
  })

  test('a large save yields to the event loop between slices', async () => {
    const dir = fresh()
    const s = open(dir, { sliceMs: 2 })
    feed(s.analyzer, manySources(20_000))
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    const st = await s.store.save()
    clearInterval(timer)
    expect(st.sources).toBe(20_000)
    expect(st.slices).toBeGreaterThan(3)
    expect(ticks).toBeGreaterThan(1)
    await s.store.close()
  })

  test('a second save while one is in flight is refused', async () => {
    const s = open(fresh())
    feed(s.analyzer, packetStream({ seed: 14, lines: 200 }))
    const first = s.store.save()
    await expect(s.store.save()).rejects.toThrow(InternalError)
    await first
    await s.store.close()
  })

  test('a save that fails keeps nothing, and the next save writes what it would have', async () => {
    const dir = fresh()
    const s = open(dir)
    const lines = packetStream({ seed: 15, lines: 1000 })
    feed(s.analyzer, lines.slice(0, 500))
    await s.store.save({ checkpoints: { set: [['in', 500]] } })
    feed(s.analyzer, lines.slice(500))
    const err = await s.store.save({ checkpoints: { set: [['in', 1000]] }, alerts: { set: [['x', 10n]] } }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StateError)
    expect(rows(dir, "SELECT value FROM checkpoints")).toEqual([{ value: '500' }])
    const st = await s.store.save({ checkpoints: { set: [['in', 1000]] } })
    expect(st.sources).toBeGreaterThan(0)
    await s.store.close()
    const again = open(dir)
    expect(again.restored!.checkpoints.get('in')).toBe(1000)
    expect(reportOf(again.analyzer)).toBe(reportOf(s.analyzer))
    await again.store.close()
  })

  test('closing during a save abandons it; the previous save is intact', async () => {
    const dir = fresh()
    const s = open(dir, { sliceMs: 0.01 })
    const lines = packetStream({ seed: 16, lines: 3000 })
    feed(s.analyzer, lines.slice(0, 1000))
    await s.store.save({ checkpoints: { set: [['in', 1000]] } })
    const twin = detectorOf(parts)
    feed(twin, lines.slice(0, 1000))
    feed(s.analyzer, lines.slice(1000))
    const pending = s.store.save({ checkpoints: { set: [['in', 3000]] } })
    const closing = s.store.close()
    await expect(pending).rejects.toThrow(StateError)
    await closing
    const again = open(dir)
    expect(again.restored!.checkpoints.get('in')).toBe(1000)
    expect(reportOf(again.analyzer)).toBe(reportOf(twin))
    await again.store.close()
  })
})

describe('the summary status reads', () => {
  test('DL, packets, first and last seen of every listed source, as the analyzer has them', async () => {
    const dir = fresh()
    expect(readStateSummary(dir)).toBeNull()
    const s = open(dir)
    expect(readStateSummary(dir)).toBeNull()
    feed(s.analyzer, packetStream({ seed: 21, lines: 2000 }))
    await s.store.save()
    const summary = readStateSummary(dir)!
    const e = s.analyzer.engine
    const want: unknown[] = []
    e.sources.forEach((src) => {
      if (src.dl >= 1) want.push({ ip: keyText(src.key), dl: src.dl, packets: src.packets, firstSeen: Math.floor(e.base + src.firstSeen), lastSeen: Math.floor(e.base + src.lastSeen) })
    })
    expect(summary.sources).toEqual(expect.arrayContaining(want))
    expect(summary.sources).toHaveLength(want.length)
    expect(summary.sources.map((x) => x.dl)).toEqual([...summary.sources.map((x) => x.dl)].sort((a, b) => b - a))
    expect(summary).toMatchObject({ savedAt: NOW, linesRead: 2000, packets: e.totals.packets, sourcesKept: e.sources.size, evicted: 0 })
    await s.store.close()
  })

  test('while a save is in flight it reads one committed save, never part of one', async () => {
    const dir = fresh()
    const s = open(dir, { sliceMs: 1 })
    feed(s.analyzer, packetStream({ seed: 22, lines: 1000 }))
    await s.store.save()
    feed(s.analyzer, manySources(20_000))
    const during: { lines: number; packets: number; rows: number }[] = []
    const errors: unknown[] = []
    const timer = setInterval(() => {
      try {
        const r = readStateSummary(dir, { minDl: 0 })!
        during.push({ lines: r.linesRead, packets: r.packets, rows: r.sources.reduce((n, x) => n + x.packets, 0) })
      } catch (e) {
        errors.push(e)
      }
    }, 0)
    const st = await s.store.save()
    clearInterval(timer)
    expect(errors).toEqual([])
    expect(st.slices).toBeGreaterThan(3)
    expect(during.filter((d) => d.lines === 1000).length).toBeGreaterThan(0)
    for (const d of during) {
      expect([1000, 21_000]).toContain(d.lines)
      expect(d.rows).toBe(d.packets)
    }
    expect(readStateSummary(dir)!.linesRead).toBe(21_000)
    await s.store.close()
  })

  test('a damaged file is a StateError (and is left where it is)', () => {
    const dir = fresh()
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'state.db'), Buffer.alloc(8192, 0x5a))
    expect(() => readStateSummary(dir)).toThrow(StateError)
    expect(readdirSync(dir)).toEqual(['state.db'])
  })
})

describe('a state file that cannot be used is set aside', () => {
  async function saved(dir: string): Promise<void> {
    const s = open(dir)
    feed(s.analyzer, packetStream({ seed: 17, lines: 3000 }))
    await s.store.save({ checkpoints: { set: [['in', 3000]] } })
    await s.store.close()
  }

  const cases: [string, (file: string) => void][] = [
    ['truncated', (f) => truncateSync(f, Math.floor(statSync(f).size / 2))],
    ['garbage', (f) => writeFileSync(f, Buffer.alloc(64 * 1024, 0x5a))],
    ['a page overwritten', (f) => {
      const b = readFileSync(f)
      b.fill(0xa5, 4096 * 3, 4096 * 5)
      writeFileSync(f, b)
    }],
    ['another schema version', (f) => {
      const db = new Database(f)
      db.prepare("UPDATE meta SET value = '99' WHERE name = 'schema_version'").run()
      db.close()
    }],
    ['a damaged source record', (f) => {
      const db = new Database(f)
      db.prepare("UPDATE sources SET record = '[1,2' WHERE rowid = (SELECT min(rowid) FROM sources)").run()
      db.close()
    }],
    ['a damaged timeline row', (f) => {
      const db = new Database(f)
      db.prepare("UPDATE timeline SET counts = '[1]' WHERE rowid = (SELECT min(rowid) FROM timeline)").run()
      db.close()
    }],
    ['another program\'s SQLite database', (f) => {
      const db = new Database(`${f}.other`)
      db.exec('CREATE TABLE users (name TEXT)')
      db.close()
      writeFileSync(f, readFileSync(`${f}.other`))
    }],
    ['a directory', (f) => {
      rmSync(f)
      mkdirSync(f)
    }],
  ]

  test.each(cases)('%s: moved to state.db.broken-<time>, a warning, and an empty state', async (_, damage) => {
    const dir = fresh()
    await saved(dir)
    const file = path.join(dir, 'state.db')
    damage(file)
    const log: string[] = []
    const s = open(dir, { log })
    expect(s.restored).toBeNull()
    expect(s.analyzer.engine.sources.size).toBe(0)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatch(/^state file .*state\.db cannot be used \(.+\); moved to state\.db\.broken-20261122T120000Z, starting with empty state$/)
    expect(readdirSync(dir)).toContain('state.db.broken-20261122T120000Z')
    // The fresh state works.
    feed(s.analyzer, packetStream({ seed: 18, lines: 100 }))
    await s.store.save()
    await s.store.close()
    const again = open(dir)
    expect(again.restored).not.toBeNull()
    await again.store.close()
  })
  test('a failure of the analyzer factory is not taken for a bad file: the state stays', async () => {
    const dir = fresh()
    await saved(dir)
    const boom = (): Detector => {
      throw new TypeError('bug in the caller')
    }
    expect(() => StateStore.open(dir, { clock: fixedClock(NOW), log: () => {}, analyzer: boom })).toThrow('bug in the caller')
    expect(readdirSync(dir).filter((f) => f.includes('broken'))).toEqual([])
    const again = open(dir)
    expect(again.restored).not.toBeNull()
    await again.store.close()
  })
})

describe('the state directory', () => {
  test('one that cannot be created or written is a StateError (exit 4) naming it and why', () => {
    const blocker = path.join(root, 'a-file')
    writeFileSync(blocker, '')
    const dir = path.join(blocker, 'state')
    let err: unknown
    try {
      open(dir)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StateError)
    expect((err as StateError).exit).toBe(EXIT.input)
    expect((err as StateError).message).toBe(`state directory ${dir} is not writable: ENOTDIR`)
  })

  test('one directory, one store: a second open in this process is refused', () => {
    const dir = fresh()
    const s = open(dir)
    expect(() => open(dir)).toThrow(/already open in this process/)
    s.store.close()
    open(dir).store.close()
  })

  test('a lock held by another live process is refused; the lock of a process killed with -9 is free at once', async () => {
    const dir = fresh()
    await open(dir).store.close()
    // Another process holds the directory (it takes the lock the way the store does, then waits).
    const holder = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))})
      const db = new Database(process.argv[1], { timeout: 0 })
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS owner (pid INTEGER); COMMIT')
      process.stdout.write('locked\\n')
      setInterval(() => {}, 1000)
    `, path.join(dir, 'state.lock')], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      await new Promise((resolve) => holder.stdout!.once('data', resolve))
      expect(() => open(dir)).toThrow(`state directory ${dir} is in use by another process`)
    } finally {
      holder.kill('SIGKILL')
      await new Promise((r) => holder.once('exit', r))
    }
    const s = open(dir)
    await s.store.close()
  })
})
