import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UsageError } from '../core/errors.js'
import { Detector } from '../detect/detector.js'
import type { Tracker } from '../detect/tracker.js'
import { sourceReport } from '../report/build.js'
import type { Dispatcher } from '../respond/alert/index.js'
import { Follower, type Checkpoint, type Delivery, type InputSpec } from '../sources/follow/follower.js'
import { checkpointFrom } from '../sources/follow/checkpoint.js'
import { systemLog } from '../sources/system-log.js'
import { Driver } from '../run/driver.js'
import { StateStore, type OpenedState } from '../state/store.js'
import { AlertDesk } from './alert-desk.js'
import { BlockDesk } from './block-desk.js'
import { reconfigureBlocking, startBlocking } from './blocking.js'
import { buildDispatcher } from './channels.js'
import { configure, type WatchConfig } from './configure.js'
import { ControlServer, SOCKET_NAME, type ControlRequest } from './control.js'
import type { WatchDeps, WatchRequest } from './request.js'
import { statusReport, type StatusReport } from './status.js'
import { BOOK_KEY } from './offline.js'

// `portsleuth watch`: one process that follows the logs, feeds the same detector `analyze` uses,
// alerts on every rise of a source's danger level, blocks (when on), saves its state every few
// seconds and answers `status` and `block` on its control socket. psad needed three daemons
// (psad, kmsgsd, psadwatchd) and a 5-second poll for this.
//
// Consistency: lines are fed only while no save is in flight, and a save writes the engine state with
// the read checkpoints that state covers (the follower's position after the last line fed). So after
// `kill -9` a restart reads again exactly the lines the saved state has not seen.

/** What a danger-level rise left for the reaction after the read: the lines that raised it. */
interface Raised {
  lines: string[]
  time: number
}

const MAX_LINES_PER_SOURCE = 5

export class Watcher {
  private driver: Driver
  private readonly raised = new Map<string, Raised>()
  private readonly checkpoints = new Map<string, Checkpoint>()
  private saving: Promise<void> | null = null
  private timers: NodeJS.Timeout[] = []
  private stopping: Promise<void> | null = null
  private savedAt: number | null = null
  private readonly started: number
  private reacting: Promise<void> = Promise.resolve()

  private constructor(
    private config: WatchConfig,
    private readonly req: WatchRequest,
    private readonly deps: WatchDeps,
    private readonly detector: Detector,
    private readonly tracker: Tracker,
    private readonly store: StateStore,
    private dispatcher: Dispatcher,
    private readonly alerts: AlertDesk,
    private readonly blocks: BlockDesk | null,
    private readonly blockingNote: string,
    readonly inputs: InputSpec[],
  ) {
    this.started = deps.clock.now()
    this.driver = this.newDriver()
  }

  private newDriver(): Driver {
    return new Driver(this.detector, this.config.plan.request)
  }

  /**
   * Starts a watcher: compiles the configuration, opens (or creates) the state, restores it, starts
   * blocking (when on), the control socket and the followers. Throws UsageError, ConfigError,
   * InputError (no log, a state directory that cannot be written, another watcher on it).
   */
  static async start(req: WatchRequest, deps: WatchDeps): Promise<Watcher> {
    const config = await configure(req)
    const inputs = req.inputs.length > 0 ? req.inputs : [await systemInput()]
    let self: Watcher | null = null
    const onEvent = (ip: string, line: string, time: number): void => self?.noteRise(ip, line, time)
    const opened: OpenedState = StateStore.open(config.settings.stateDir, {
      clock: deps.clock,
      log: (m) => deps.log('warn', m),
      analyzer: () => new Detector(config.plan, { onEvent: (e, line) => onEvent(e.ip, line(), e.time) }),
      tracker: { maxSources: config.settings.maxSources },
    })
    const { store, analyzer: detector, tracker, restored } = opened
    try {
      const dispatcher = await buildDispatcher({ settings: config.plan.settings, watch: config.settings, out: deps.out, clock: deps.clock, log: deps.log, blockScript: config.blocking })
      const saved = restored?.alerts ?? new Map<string, unknown>()
      dispatcher.restore(saved.get(CHANNELS_KEY))
      const alerts = new AlertDesk(dispatcher, config.plan.settings.detection.minDangerLevel)
      alerts.restore(new Map([...saved].filter(([k]) => k !== CHANNELS_KEY)))
      const { desk: blocks, note } = await startBlocking(config, restored?.blocks.get(BOOK_KEY) ?? null, req.blockTimeout, dispatcher, deps)
      const w = new Watcher(config, req, deps, detector, tracker, store, dispatcher, alerts, blocks, note, inputs)
      self = w
      if (restored !== null) {
        for (const [name, value] of restored.checkpoints) w.checkpoints.set(name, checkpointFrom(value, `state checkpoint of ${name}`))
        deps.log('info', `state restored from ${store.file}: ${restored.sources} sources, saved ${new Date(restored.savedAt).toISOString()}`)
      }
      await w.run()
      return w
    } catch (err) {
      await store.close()
      throw err
    }
  }

  private follower: Follower | null = null
  private control: ControlServer | null = null

  private async run(): Promise<void> {
    const s = this.config.settings
    this.control = await ControlServer.listen(path.join(s.stateDir, SOCKET_NAME), (req) => this.handle(req))
    this.follower = new Follower(this.inputs, [...this.checkpoints.values()], { fromStart: this.req.fromStart, clock: this.deps.clock, log: this.deps.log, stdin: this.deps.stdin }, (d) => this.deliver(d))
    await this.follower.start()
    const every = (ms: number, fn: () => Promise<unknown>): void => {
      const t = setInterval(() => void fn().catch((err: unknown) => this.deps.log('error', (err as Error).message)), ms)
      t.unref()
      this.timers.push(t)
    }
    every(s.saveInterval * 1000, () => this.save())
    if (this.blocks !== null) every(1000, () => this.blocks!.tick())
    this.deps.log('info', `watching ${this.inputs.map(describe).join(', ')}; state in ${s.stateDir}; ${this.blockingNote}`)
  }

  /** Resolves when every input ended by itself (standard input at its end) or the watcher stopped. */
  ended(): Promise<void> {
    return this.follower?.ended() ?? Promise.resolve()
  }

  private noteRise(ip: string, line: string, time: number): void {
    let r = this.raised.get(ip)
    if (r === undefined) this.raised.set(ip, (r = { lines: [], time }))
    r.lines.push(line)
    if (r.lines.length > MAX_LINES_PER_SOURCE) r.lines.shift()
    r.time = time
  }

  private async deliver(d: Delivery): Promise<void> {
    while (this.saving !== null) await this.saving
    if (d.bytes.length > 0) await this.driver.push(d.input, d.bytes, d.mtime ?? this.deps.clock.now())
    if (d.checkpoint !== null) this.checkpoints.set(d.input, d.checkpoint)
    if (this.raised.size > 0) await this.react()
  }

  // Alerts and blocks for the sources whose danger level rose in the lines just read.
  private react(): Promise<void> {
    const raised = [...this.raised]
    this.raised.clear()
    const settings = this.config.plan.settings
    for (const [ip, r] of raised) {
      const source = sourceReport(this.detector, settings, ip)
      if (source === null) continue
      this.alerts.consider(source, r.lines, r.time, Object.keys(source.hosts))
      if (this.blocks !== null) {
        const desk = this.blocks
        this.reacting = this.reacting.then(() => desk.consider(source)).then(
          () => undefined,
          (err: unknown) => this.deps.log('error', `blocking ${ip} failed: ${(err as Error).message}`),
        )
      }
    }
    return Promise.resolve()
  }

  /** Saves the state (engine, checkpoints, alert records, blocks) in one transaction. */
  save(): Promise<void> {
    if (this.saving !== null) return this.saving
    this.saving = (async () => {
      this.tracker.expire()
      const alerts = this.alerts.changes()
      const book = this.blocks?.changes() ?? null
      const set: [string, unknown][] = [...alerts].filter(([, r]) => r !== undefined) as [string, unknown][]
      set.push([CHANNELS_KEY, this.dispatcher.snapshot()])
      const dropped = [...alerts].filter(([, r]) => r === undefined).map(([k]) => k)
      await this.store.save({
        checkpoints: { set: [...this.checkpoints] },
        alerts: { set, delete: dropped },
        ...(book === null ? {} : { blocks: { set: [[BOOK_KEY, book]] } }),
      })
      this.alerts.saved(alerts)
      if (book !== null) this.blocks!.saved()
      this.savedAt = this.deps.clock.now()
    })().finally(() => {
      this.saving = null
    })
    return this.saving
  }

  private async handle(req: ControlRequest): Promise<unknown> {
    switch (req.op) {
      case 'status':
        return this.status(typeof req.ip === 'string' ? req.ip : null)
      case 'block-list':
        return this.requireBlocks().list()
      case 'block-add':
        return this.requireBlocks().add(String(req.target), typeof req.timeout === 'number' ? req.timeout : undefined)
      case 'block-remove':
        return this.requireBlocks().remove(String(req.target))
      case 'block-flush':
        return this.requireBlocks().flush()
      case 'block-export':
        return this.requireBlocks().export(req.format === 'nft' || req.format === 'ipset' ? req.format : 'json')
      case 'dump':
        return this.dump()
      default:
        throw new UsageError(`unknown request '${String(req.op).slice(0, 40)}'`)
    }
  }

  private requireBlocks(): BlockDesk {
    if (this.blocks === null) throw new UsageError(`blocking is off in the running watcher: ${this.blockingNote}`, 'start watch with --block (or ENABLE_AUTO_IDS Y), or run `portsleuth block` with no watcher running')
    return this.blocks
  }

  /** The status report of the running watcher (`portsleuth status`); `ip` narrows it to one source. */
  status(ip: string | null = null): StatusReport {
    return statusReport({
      detector: this.detector,
      plan: this.config.plan,
      version: this.req.version,
      running: true,
      started: this.started,
      now: this.deps.clock.now(),
      savedAt: this.savedAt,
      stateDir: this.config.settings.stateDir,
      inputs: this.follower?.status() ?? [],
      tracker: this.tracker,
      alerts: this.alerts.recentAlerts(),
      blocks: this.blocks?.list() ?? null,
      blocking: this.blockingNote,
      ip,
    })
  }

  /** SIGUSR1: writes the full status (every source) as JSON into the state directory; returns the file. */
  async dump(): Promise<string> {
    const file = path.join(this.config.settings.stateDir, `dump-${new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-')}.json`)
    await writeFile(file, `${JSON.stringify({ ...this.status(), sources: this.status().sources }, null, 2)}\n`, { mode: 0o600 })
    this.deps.log('info', `state dump written to ${file}`)
    return file
  }

  /**
   * SIGHUP: compiles the configuration again (psad.conf, portsleuth.conf, signatures, lists) and
   * continues with it, keeping every source's state. A configuration that fails is refused whole:
   * the error is logged and the running one stays.
   */
  async reload(): Promise<boolean> {
    let next: WatchConfig
    let dispatcher: Dispatcher
    try {
      next = await configure(this.req)
      if (next.settings.stateDir !== this.config.settings.stateDir) throw new UsageError(`STATE_DIR changed (${next.settings.stateDir}); restart watch to move its state`)
      dispatcher = await buildDispatcher({ settings: next.plan.settings, watch: next.settings, out: this.deps.out, clock: this.deps.clock, log: this.deps.log, blockScript: next.blocking })
    } catch (err) {
      this.deps.log('error', `reload refused, the running configuration stays: ${(err as Error).message}`)
      return false
    }
    while (this.saving !== null) await this.saving
    dispatcher.restore(this.dispatcher.snapshot())
    await this.dispatcher.flush(2000)
    await this.dispatcher.close()
    this.dispatcher = dispatcher
    this.detector.reconfigure(next.plan)
    this.config = next
    this.driver = this.newDriver()
    this.alerts.reconfigure(dispatcher, next.plan.settings.detection.minDangerLevel)
    if (this.blocks !== null) await reconfigureBlocking(this.blocks, next, this.req.blockTimeout, dispatcher, this.deps)
    this.deps.log('info', `configuration reloaded${next.configFile === null ? '' : ` (${next.configFile})`}`)
    return true
  }

  /** SIGTERM/SIGINT: stops reading, saves the state, leaves the blocks as BLOCK_ON_EXIT says, closes everything. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t)
      await this.follower?.stop()
      await this.reacting
      if (this.blocks !== null) await this.blocks.shutdown(this.config.settings.blockOnExit)
      await this.save()
      await this.dispatcher.flush(5000)
      await this.dispatcher.close()
      await this.control?.close()
      await this.store.close()
    })()
    return this.stopping
  }
}

/** Keys of the alerts table that are not sources. */
const CHANNELS_KEY = '*channels'


function describe(spec: InputSpec): string {
  return spec.kind === 'file' || spec.kind === 'fifo' ? spec.path : spec.kind === 'journal' ? 'journalctl -k' : 'standard input'
}

// With no input named, the system kernel log as `analyze` finds it: a log file, else the journal.
async function systemInput(): Promise<InputSpec> {
  const input = await systemLog(null, null)
  return input.kind === 'file' ? { kind: 'file', path: input.path } : { kind: 'journal' }
}
