// A `watch`-like writer for the kill -9 test: restores the state in DIR, reads numbered lines from
// where its checkpoint says, and saves (state and checkpoint in one transaction) every 97 lines.
// Runs the built code (dist/). Usage: node test/state/kill-child.mjs DIR TOTAL
import { systemClock } from '../../dist/core/clock.js'
import { defaultSettings } from '../../dist/config/settings.js'
import { Detector } from '../../dist/detect/detector.js'
import { NO_LISTS } from '../../dist/detect/engine.js'
import { StateStore } from '../../dist/state/store.js'
import { BATCH, killTestLine, killTestSettings, TIME } from './kill-lines.mjs'

const [dir, totalText] = process.argv.slice(2)
const total = Number(totalText)
const settings = killTestSettings(defaultSettings())
const { store, analyzer, tracker, restored } = StateStore.open(dir, {
  clock: systemClock,
  log: (m) => process.stderr.write(`${m}\n`),
  analyzer: () => new Detector({ settings, criteria: [], signatures: null, os: null, lists: NO_LISTS }),
  sliceMs: 1,
})
let done = restored?.checkpoints.get('lines') ?? 0
process.stdout.write(`open ${done}\n`)
while (done < total) {
  const upto = Math.min(total, done + BATCH)
  for (let i = done; i < upto; i++) analyzer.line(killTestLine(i), TIME, () => `line ${i + 1}`)
  done = upto
  tracker.expire({ budget: 1e9 })
  await store.save({ checkpoints: { set: [['lines', done]] }, alerts: { set: [[`batch-${done}`, { done }]] } })
  process.stdout.write(`saved ${done}\n`)
}
await store.close()
process.stdout.write('done\n')
