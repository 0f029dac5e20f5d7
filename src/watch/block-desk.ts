import type { Clock } from '../core/clock.js'
import { FirewallError, PortsleuthError, UsageError } from '../core/errors.js'
import type { SourceV1 } from '../report/model.js'
import type { BlockEvent, Dispatcher, LogFn } from '../respond/alert/index.js'
import type { Blocker } from '../respond/blocker.js'
import { BlockBook, type BookEntry, type ExportFormat } from '../respond/block/book.js'
import type { NeverBlock } from '../respond/block/never-block.js'
import { blockRegexAllows } from '../respond/block/policy.js'
import { contains, parseTarget } from '../respond/block/target.js'

// Detection decides, a Blocker enforces: the desk turns danger levels into block decisions. A source
// at AUTO_IDS_DANGER_LEVEL or above (and, with ENABLE_AUTO_IDS_REGEX, one of whose log prefixes
// matches AUTO_BLOCK_REGEX) is blocked unless never-block protects it; the book decides the timeout
// (psad's per-DL timeouts, doubled for repeat offenders) and the cap; the blocker runs the commands.
// Every block and unblock is an event (JSON line, syslog in psad's wording, mail), and every skip is
// logged once per source with its reason. Blocks outlive restarts: the book is saved with the state
// and applied again at start; an external flush of the chain or table is noticed and repaired.

/** How the desk decides (from psad.conf and portsleuth.conf). */
export interface BlockPolicyInputs {
  dangerLevel: number
  prefixRegex: RegExp | null
  ipv6Prefix: number
}

/** One block as `block list` shows it. */
export interface BlockView extends BookEntry {
  /** Seconds left; null = permanent. */
  remaining: number | null
}

const VERIFY_MS = 30_000
/** How often the host's own addresses and gateways are read again (an address or route may change). */
const REFRESH_MS = 60_000

/** Applies block decisions to a Blocker and keeps the book. */
export class BlockDesk {
  private dirty = true
  private readonly skipped = new Set<string>()
  private lastVerify = 0
  private lastRefresh = 0
  private busy: Promise<unknown> = Promise.resolve()

  constructor(
    readonly blocker: Blocker,
    private book: BlockBook,
    private never: NeverBlock,
    private policy: BlockPolicyInputs,
    private dispatcher: Dispatcher | null,
    private readonly clock: Clock,
    private readonly log: LogFn,
  ) {}

  /** Takes a reloaded configuration (SIGHUP): never-block list, decision inputs, and the book's policy (timeouts, cap). */
  reconfigure(never: NeverBlock, policy: BlockPolicyInputs, bookPolicy: BlockBook['policy'], dispatcher: Dispatcher | null): void {
    this.never = never
    this.policy = policy
    this.book = BlockBook.fromJSON(this.book.toJSON(), bookPolicy)
    this.dispatcher = dispatcher
    this.skipped.clear()
  }

  // Firewall commands of one desk run one after another, in the order they were decided.
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn)
    this.busy = next.catch(() => undefined)
    return next
  }

  private event(type: 'block' | 'unblock', e: BookEntry, timeout: number, reason: string): void {
    if (this.blocker.backend === 'dry-run') return // its JSON line is the event
    const ev: BlockEvent = { type, time: new Date(this.clock.now()).toISOString(), ip: e.ip, target: e.target, timeout, reason, dangerLevel: e.dangerLevel, backend: this.blocker.backend }
    this.dispatcher?.dispatch(ev)
  }

  /** Creates the firewall's chains or sets and applies the saved blocks again with their time left. */
  async start(): Promise<void> {
    await this.blocker.init()
    const { apply, remove } = this.book.reapply(this.clock.now())
    for (const e of remove) this.book.remove(e.target)
    for (const { entry, remaining } of apply) {
      await this.blocker.block({ ip: entry.ip, target: entry.target, dangerLevel: entry.dangerLevel, timeout: remaining, reason: `${entry.reason} (applied again at start)` })
    }
    if (apply.length > 0 || remove.length > 0) this.log('info', `blocks: ${apply.length} applied again with their remaining time, ${remove.length} expired while watch was not running`)
    this.dirty = this.dirty || remove.length > 0
  }

  /** Blocks `source` when the policy says so; returns what was done (for tests and logs). */
  consider(source: SourceV1): Promise<string> {
    const p = this.policy
    if (source.dangerLevel < p.dangerLevel) return Promise.resolve('below AUTO_IDS_DANGER_LEVEL')
    if (!blockRegexAllows(Object.keys(source.logPrefixes), p.prefixRegex)) return Promise.resolve(this.skip(source.ip, `no log prefix matches AUTO_BLOCK_REGEX ${p.prefixRegex?.source}`))
    const verdict = this.never.forSource(source.ip, p.ipv6Prefix)
    if (!verdict.ok) return Promise.resolve(this.skip(source.ip, verdict.reason))
    if (verdict.note !== null && !this.skipped.has(source.ip)) {
      this.skipped.add(source.ip)
      this.log('info', `block of ${source.ip}: ${verdict.note}`)
    }
    const reason = `danger level ${source.dangerLevel}${source.scanTypes.length > 0 ? ` (${source.scanTypes.join(', ')})` : ''}`
    return this.apply(source.ip, verdict.target.cidr, source.dangerLevel, reason, undefined)
  }

  private skip(ip: string, why: string): string {
    if (!this.skipped.has(ip)) {
      this.skipped.add(ip)
      this.log('info', `not blocking ${ip}: ${why}`)
    }
    return `skipped: ${why}`
  }

  private apply(ip: string, target: string, dangerLevel: number, reason: string, timeout: number | undefined): Promise<string> {
    return this.serial(async () => {
      const r = this.book.add({ ip, target, dangerLevel, reason, timeout }, this.clock.now())
      switch (r.kind) {
        case 'already':
          return `already blocked (${r.entry.target})`
        case 'covered':
          return `covered by ${r.by.target}`
        case 'cap':
          if (r.first) {
            this.log('warn', `block cap reached: ${r.max} blocks in force; ${ip} and further sources are not blocked`)
            this.dispatcher?.dispatch({ type: 'notice', time: new Date(this.clock.now()).toISOString(), kind: 'block-cap', ip, message: `block cap reached: ${r.max} blocks in force; further sources are not blocked until some expire` })
          }
          return 'cap reached'
        case 'added': {
          this.dirty = true
          for (const old of r.replaces) {
            await this.blocker.unblock({ target: old.target, ip: old.ip, reason: `replaced by ${r.entry.target}` })
            this.event('unblock', old, 0, `replaced by ${r.entry.target}`)
          }
          try {
            await this.blocker.block({ ip, target: r.entry.target, dangerLevel, timeout: r.timeout, reason })
          } catch (err) {
            this.book.remove(r.entry.target)
            throw err
          }
          this.event('block', r.entry, r.timeout, reason)
          return `blocked ${r.entry.target} for ${r.timeout === 0 ? 'ever' : `${r.timeout} s`}`
        }
      }
    })
  }

  /**
   * Lifts blocks whose time is up; every minute reads the host's addresses and gateways again (so a
   * new address is protected); every 30 s checks the firewall still holds the other blocks (an
   * external flush re-applies them).
   */
  tick(): Promise<void> {
    return this.serial(async () => {
      const now = this.clock.now()
      for (const e of this.book.expired(now)) {
        await this.blocker.unblock({ target: e.target, ip: e.ip, reason: 'timeout' })
        this.book.remove(e.target)
        this.dirty = true
        this.event('unblock', e, 0, 'timeout')
      }
      if (now - this.lastRefresh >= REFRESH_MS) {
        this.lastRefresh = now
        await this.never.refresh().catch((err: unknown) => this.log('warn', `cannot read the host's addresses and gateways again: ${firewallProblem(err)}`))
      }
      if (now - this.lastVerify < VERIFY_MS || this.blocker.backend === 'dry-run') return
      this.lastVerify = now
      const live = this.book.reapply(now).apply
      if (live.length === 0) return
      const p = await this.blocker.present(live.map((a) => a.entry.target))
      if (p.missing.length === 0 && p.problems.length === 0) return
      this.log('warn', `the firewall lost ${p.missing.length} of ${live.length} blocks${p.problems.length > 0 ? ` (${p.problems.join('; ')})` : ''}: applying them again`)
      await this.blocker.init()
      for (const a of live) {
        if (!p.missing.includes(a.entry.target) && p.problems.length === 0) continue
        await this.blocker.block({ ip: a.entry.ip, target: a.entry.target, dangerLevel: a.entry.dangerLevel, timeout: a.remaining, reason: `${a.entry.reason} (applied again after an external flush)` })
      }
    })
  }

  /** `block add`: blocks an address or network (never-blocked ones refused), for `timeout` s or the DL 5 policy. */
  add(text: string, timeout: number | undefined): Promise<string> {
    const target = parseTarget(text)
    const verdict = this.never.check(target)
    if (!verdict.ok) return Promise.reject(new UsageError(`refusing to block ${target.cidr}: ${verdict.reason}`))
    return this.apply(target.address, target.cidr, 5, 'added by hand (portsleuth block add)', timeout)
  }

  /** `block remove`: lifts a block (by its target or any address it covers). */
  remove(text: string): Promise<string> {
    const target = parseTarget(text)
    return this.serial(async () => {
      const entry = this.book.get(target) ?? this.book.list().find((e) => contains(parseTarget(e.target), target))
      if (entry === undefined) throw new UsageError(`${target.cidr} is not blocked`, "see 'portsleuth block list'")
      await this.blocker.unblock({ target: entry.target, ip: entry.ip, reason: 'removed by hand' })
      this.book.remove(entry.target)
      this.dirty = true
      this.event('unblock', entry, 0, 'removed by hand (portsleuth block remove)')
      return `unblocked ${entry.target}`
    })
  }

  /** `block flush`: lifts every block. */
  flush(): Promise<number> {
    return this.serial(async () => {
      const all = this.book.list()
      for (const e of all) {
        await this.blocker.unblock({ target: e.target, ip: e.ip, reason: 'flush' })
        this.book.remove(e.target)
        this.event('unblock', e, 0, 'flushed by hand (portsleuth block flush)')
      }
      this.dirty = true
      return all.length
    })
  }

  /** The blocks in force, with their time left. */
  list(): BlockView[] {
    const now = this.clock.now()
    return this.book.reapply(now).apply.map((a) => ({ ...a.entry, remaining: a.entry.expires === null ? null : a.remaining }))
  }

  /** `block export`: the blocks as an nft script, an ipset restore file or JSON. */
  export(format: ExportFormat): string {
    return this.book.export(format, this.clock.now())
  }

  /** The book to save, when it changed since the last save; call `saved()` once committed. */
  changes(): unknown | null {
    return this.dirty ? this.book.toJSON() : null
  }

  saved(): void {
    this.dirty = false
  }

  /** Leaves the firewall as BLOCK_ON_EXIT says: `keep` the blocks (re-applied at start) or `remove` everything. */
  async shutdown(onExit: 'keep' | 'remove'): Promise<void> {
    await this.serial(async () => {
      await this.blocker.shutdown(onExit)
      if (onExit === 'remove') {
        for (const e of this.book.list()) this.book.remove(e.target)
        this.dirty = true
      }
    })
  }
}

/** Text for a failure of the firewall, for logs: the message and its hint. */
export function firewallProblem(err: unknown): string {
  if (err instanceof FirewallError || err instanceof PortsleuthError) return `${err.message}${err.hint === undefined ? '' : ` (${err.hint})`}`
  return err instanceof Error ? err.message : String(err)
}
