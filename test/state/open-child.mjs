// Opens a state directory as `watch` would, in a process of its own (so a test can run it as another
// user or in another mount namespace), and prints what happened as one line of JSON.
// Runs the built code (dist/). Usage: node test/state/open-child.mjs DIR [fill]
// With `fill`: saves 1,000 sources, then tries to save 100,000 more (on a file system too small for
// them), then reopens and reports how many lines the restored state has read.
import { systemClock } from '../../dist/core/clock.js'
import { defaultSettings } from '../../dist/config/settings.js'
import { Detector } from '../../dist/detect/detector.js'
import { NO_LISTS } from '../../dist/detect/engine.js'
import { StateStore } from '../../dist/state/store.js'

const [dir, mode] = process.argv.slice(2)
const log = []
const open = () => StateStore.open(dir, { clock: systemClock, log: (m) => log.push(m), analyzer: () => new Detector({ settings: defaultSettings(), criteria: [], signatures: null, os: null, lists: NO_LISTS }) })
const line = (i) =>
  `2026-11-22T06:00:00Z fw kernel: DROP IN=eth0 OUT= SRC=10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=4 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 `
const feed = (a, from, to) => {
  for (let i = from; i < to; i++) a.line(line(i), { year: 2026, reference: Date.UTC(2026, 10, 22) }, () => 'x')
}
const error = (err) => ({ name: err.name, message: err.message, exit: err.exit })

try {
  const { store, analyzer, restored } = open()
  if (mode !== 'fill') {
    await store.save()
    await store.close()
    process.stdout.write(`${JSON.stringify({ ok: true, restored: restored !== null, log })}\n`)
  } else {
    feed(analyzer, 0, 1000)
    await store.save()
    feed(analyzer, 1000, 101_000)
    const failed = await store.save().then(() => null, error)
    await store.close()
    const again = open()
    const lines = again.analyzer.linesRead
    await again.store.close()
    process.stdout.write(`${JSON.stringify({ ok: true, failed, lines, log })}\n`)
  }
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, ...error(err), log })}\n`)
}
