// Opens a state directory as `watch` would, in a process of its own (so a test can run it as another
// user or in another mount namespace), and prints what happened as one line of JSON.
// Runs the built code (dist/). Usage: node test/state/open-child.mjs DIR
import { systemClock } from '../../dist/core/clock.js'
import { defaultSettings } from '../../dist/config/settings.js'
import { Detector } from '../../dist/detect/detector.js'
import { NO_LISTS } from '../../dist/detect/engine.js'
import { StateStore } from '../../dist/state/store.js'

const log = []
try {
  const { store, restored } = StateStore.open(process.argv[2], { clock: systemClock, log: (m) => log.push(m), analyzer: () => new Detector({ settings: defaultSettings(), criteria: [], signatures: null, os: null, lists: NO_LISTS }) })
  await store.save()
  await store.close()
  process.stdout.write(`${JSON.stringify({ ok: true, restored: restored !== null, log })}\n`)
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, name: err.name, message: err.message, exit: err.exit, log })}\n`)
}
