// What saving `watch`'s state costs: a state of N sources is saved once with every source changed,
// then with 1% changed, then loaded again by a fresh store (a restart). For each: wall time, the
// longest synchronous stretch (the event loop is blocked that long at most), and bytes on disk.
//
//   npx tsx bench/state-save.ts                       10,000 and 1,000,000 sources
//   npx tsx bench/state-save.ts --sources 10000       one size
//
// Every source has what a scanner typically leaves: SYNs with TCP options (an OS verdict) to a few
// destinations of a few ports. Built in memory by the engine itself; the store runs on a temporary
// directory that is removed afterwards.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { compilePlan } from '../src/config/plan.js'
import { systemClock } from '../src/core/clock.js'
import { detectorOf, type DetectorParts } from '../test/helpers/detector.js'
import { StateStore, type SaveStats } from '../src/state/store.js'

const { values } = parseArgs({ options: { sources: { type: 'string', default: '10000,1000000' } } })
const sizes = values.sources.split(',').map(Number)
const T0 = Date.UTC(2026, 10, 22, 6)
const time = { year: 2026, reference: T0 }

function line(i: number, round: number, dst: number, port: number): string {
  const ts = new Date(T0 + round * 1000 + (i % 1000)).toISOString()
  const src = `${10 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}.${1 + (i >>> 22)}`
  return `${ts} fw kernel: DROP IN=eth0 OUT= SRC=${src} DST=192.0.2.${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${i & 65535} PROTO=TCP SPT=40000 DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) `
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)} ms`
const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`
const row = (what: string, s: SaveStats, bytes: number): string =>
  `${what.padEnd(28)} ${String(s.sources).padStart(9)} sources  total ${ms(s.ms).padStart(9)}  longest slice ${ms(s.longestSliceMs).padStart(8)}  (${s.slices} slices)  on disk ${mb(bytes)}`

async function bench(n: number, parts: DetectorParts): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portsleuth-bench-state-'))
  try {
    const opts = { clock: systemClock, log: (m: string) => process.stderr.write(`${m}\n`), analyzer: () => detectorOf(parts), tracker: { maxSources: Math.max(n, 1_000_000) } }
    const first = StateStore.open(dir, opts)
    const a = first.analyzer
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) a.line(line(i, 0, 1 + (k % 2), 22 + k * 1000), time, () => 'bench')
    process.stdout.write(`${n.toLocaleString('en-US')} sources (${a.engine.totals.packets.toLocaleString('en-US')} packets)\n`)
    const all = await first.store.save({ checkpoints: { set: [['kern.log', { offset: 1 }]] } })
    process.stdout.write(`  ${row('save, all changed', all, first.store.bytesOnDisk())}\n`)
    for (let i = 0; i < n; i += 100) a.line(line(i, 60, 3, 8080), time, () => 'bench')
    const some = await first.store.save({ checkpoints: { set: [['kern.log', { offset: 2 }]] } })
    process.stdout.write(`  ${row('save, 1% changed', some, first.store.bytesOnDisk())}\n`)
    const none = await first.store.save({ checkpoints: { set: [['kern.log', { offset: 3 }]] } })
    process.stdout.write(`  ${row('save, nothing changed', none, first.store.bytesOnDisk())}\n`)
    await first.store.close()
    const t0 = performance.now()
    const again = StateStore.open(dir, opts)
    const load = performance.now() - t0
    process.stdout.write(`  load (restart)               ${String(again.restored?.sources ?? 0).padStart(9)} sources  total ${ms(load).padStart(9)}  (one synchronous step)\n`)
    await again.store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const engine = await compilePlan({ config: { configFile: null, psadDir: null, overrides: {} }, since: null, until: null, criteria: [], year: undefined, maxLineLength: 16384, now: T0 })
const parts: DetectorParts = { settings: engine.settings, signatures: engine.signatures?.index ?? null, os: engine.os, lists: engine.lists, fields: engine.criteria }
for (const n of sizes) await bench(n, parts)
