import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Clock } from '../core/clock.js'
import { Detector } from '../detect/detector.js'
import type { LogFn } from '../respond/alert/index.js'
import { BlockBook } from '../respond/block/book.js'
import { createBlocker } from '../respond/block/choose.js'
import { STATE_FILE } from '../state/schema.js'
import { StateStore, type OpenedState } from '../state/store.js'
import { BlockDesk } from './block-desk.js'
import { blockingConfig, blockPolicy, neverBlock, policyInputs } from './blocking.js'
import type { WatchConfig } from './configure.js'
import { NoWatcherError } from './control.js'
import { statusReport, type StatusReport } from './status.js'
import type { WatchDeps } from './request.js'

// When no watcher runs, `status` shows the saved state and `block` acts on the firewall and the state
// directly, so both stay consistent whether or not watch is running.

/** The key of the block book in the state's blocks table (the watcher saves it there too). */
export const BOOK_KEY = 'book'

/** Opens the saved state of `config`'s state directory; throws NoWatcherError (exit 6) when there is none. */
export function openSaved(config: WatchConfig, clock: Clock, log: LogFn): OpenedState {
  const dir = config.settings.stateDir
  if (!existsSync(path.join(dir, STATE_FILE))) throw new NoWatcherError(`no watcher is running and ${dir} holds no saved state`)
  return StateStore.open(dir, { clock, log: (m) => log('warn', m), analyzer: () => new Detector(config.plan), tracker: { maxSources: config.settings.maxSources } })
}

/** A block desk on the saved state, for `block` commands with no watcher; `save()` writes its book back. */
export async function offlineDesk(config: WatchConfig, deps: WatchDeps): Promise<{ desk: BlockDesk; save: () => Promise<void>; close: () => Promise<void> }> {
  const dir = config.settings.stateDir
  const opened = StateStore.open(dir, { clock: deps.clock, log: (m) => deps.log('warn', m), analyzer: () => new Detector(config.plan), tracker: { maxSources: config.settings.maxSources } })
  try {
    const cfg = blockingConfig(config, deps.out)
    const saved = opened.restored?.blocks.get(BOOK_KEY)
    const book = saved === undefined ? new BlockBook(blockPolicy(config, null)) : BlockBook.fromJSON(saved, blockPolicy(config, null), 'saved blocks')
    const desk = new BlockDesk(await createBlocker(cfg), book, await neverBlock(config, cfg), policyInputs(config), null, deps.clock, deps.log)
    await desk.blocker.init()
    return {
      desk,
      save: async () => {
        const b = desk.changes()
        if (b !== null) await opened.store.save({ blocks: { set: [[BOOK_KEY, b]] } })
        desk.saved()
      },
      close: () => opened.store.close(),
    }
  } catch (err) {
    await opened.store.close()
    throw err
  }
}

/** The status of the saved state, when no watcher runs (the command exits 6 after printing it). */
export async function offlineStatus(config: WatchConfig, version: string, ip: string | null, clock: Clock, log: LogFn): Promise<StatusReport> {
  const { store, analyzer, tracker, restored } = openSaved(config, clock, log)
  try {
    const book = restored?.blocks.get(BOOK_KEY)
    const blocks = book === undefined ? null : BlockBook.fromJSON(book).reapply(clock.now()).apply.map((a) => ({ ...a.entry, remaining: a.entry.expires === null ? null : a.remaining }))
    return statusReport({
      detector: analyzer,
      plan: config.plan,
      version,
      running: false,
      started: null,
      now: clock.now(),
      savedAt: restored?.savedAt ?? null,
      stateDir: config.settings.stateDir,
      inputs: [],
      tracker,
      alerts: [...(restored?.alerts ?? new Map<string, unknown>())].flatMap(([k, v]) => {
        const r = v as { dangerLevel?: number; time?: number }
        return k.startsWith('*') || typeof r?.dangerLevel !== 'number' ? [] : [{ time: new Date(r.time ?? 0).toISOString(), ip: k, dangerLevel: r.dangerLevel, previousDangerLevel: 0, reason: 'saved' }]
      }).sort((a, b) => (a.time < b.time ? -1 : 1)),
      blocks,
      blocking: 'no watcher running',
      ip,
    })
  } finally {
    await store.close()
  }
}
