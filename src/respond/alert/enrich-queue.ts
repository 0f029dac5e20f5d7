import type { Clock } from '../../core/clock.js'
import type { EnrichmentV1 } from '../../report/model.js'
import { attempt, type EnrichLookups, type LookupKind, type LookupOutcome } from '../enrich.js'
import type { LogFn } from './channel.js'
import type { EnrichmentSource } from './email.js'

// Reverse DNS and whois for `watch`, off the hot path. Asking never waits: request() queues the
// lookups and returns; JSON and syslog alerts go out at once with whatever is already cached
// (peek), and only the alert mail waits for its lookups, at most the time it is given. Each kind
// has its own small pool, so a dead resolver delays neither whois nor anything else; every lookup
// is bounded by the lookup timeout. Answers are cached for `ttlMs` (failures for less, so a dead
// server is not asked again at every alert), and at most `maxPerHour` lookups leave the machine
// per hour: registries rate-limit, and a scan from a thousand addresses must not cost a thousand
// whois queries. psad re-queries after 20 cached uses and has no DNS timeout.

export interface EnrichQueueOptions {
  dns: boolean
  whois: boolean
  lookups: EnrichLookups
  /** Per lookup. */
  timeoutMs: number
  /** How long an answer is reused (default 6 h). */
  ttlMs?: number
  /** How long a failure is remembered (default 5 min). */
  failureTtlMs?: number
  /** Lookups started per hour at most, both kinds together (default 200). */
  maxPerHour?: number
  /** Lookups in flight per kind (default 2). */
  concurrency?: number
  /** Addresses waiting per kind (default 1,000; more are skipped). */
  maxPending?: number
  clock: Clock
  log: LogFn
}

interface Cached {
  outcome: LookupOutcome
  at: number
}

const HOUR = 3_600_000
const MAX_CACHE = 10_000
const KIND_NAME: Record<LookupKind, string> = { dns: 'reverse DNS', whois: 'whois' }

export class EnrichQueue implements EnrichmentSource {
  private readonly kinds: LookupKind[]
  private readonly cache = new Map<string, Cached>()
  /** Lookups queued or running, and how to wake their waiters. */
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly releasers = new Map<string, () => void>()
  private readonly waiting: Record<LookupKind, string[]> = { dns: [], whois: [] }
  private readonly running: Record<LookupKind, number> = { dns: 0, whois: 0 }
  private readonly started: number[] = []
  private capNoted = -Infinity
  private readonly lastFailure: Partial<Record<LookupKind, { why: string; at: number }>> = {}
  private closed = false

  constructor(private readonly o: EnrichQueueOptions) {
    this.kinds = [...(o.dns ? ['dns' as const] : []), ...(o.whois ? ['whois' as const] : [])]
  }

  /** Queues the lookups `ip` still needs; returns at once. */
  request(ip: string): void {
    for (const kind of this.kinds) {
      const key = `${kind} ${ip}`
      if (this.fresh(key) !== null || this.inFlight.has(key)) continue
      if (this.waiting[kind].length >= (this.o.maxPending ?? 1000) || !this.underCap()) continue
      let release!: () => void
      this.inFlight.set(key, new Promise<void>((r) => (release = r)))
      this.waiting[kind].push(ip)
      this.releasers.set(key, release)
    }
    for (const kind of this.kinds) this.pump(kind)
  }

  /** Returns what is known about `ip` now (null: nothing yet); never waits. */
  peek(ip: string): EnrichmentV1 | null {
    const got = this.kinds.map((k) => [k, this.fresh(`${k} ${ip}`)] as const)
    if (got.every(([, c]) => c === null)) return null
    const value = (k: LookupKind): string | null => {
      const c = got.find(([kind]) => kind === k)?.[1]
      return c?.outcome.ok === true ? c.outcome.value : null
    }
    return { dns: value('dns'), whois: value('whois') }
  }

  /** Requests the lookups of `ip` and resolves when they are done or after `ms`, with what is known then. */
  async wait(ip: string, ms: number): Promise<EnrichmentV1 | null> {
    this.request(ip)
    const pending = this.kinds.map((k) => this.inFlight.get(`${k} ${ip}`)).filter((p) => p !== undefined)
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, ms)))])
      clearTimeout(timer)
    }
    return this.peek(ip)
  }

  /** Stops starting lookups; those in flight end by their timeout. */
  close(): void {
    this.closed = true
    for (const kind of this.kinds) {
      for (const ip of this.waiting[kind].splice(0)) this.settle(`${kind} ${ip}`)
    }
  }

  private settle(key: string): void {
    this.inFlight.delete(key)
    this.releasers.get(key)?.()
    this.releasers.delete(key)
  }

  private fresh(key: string): Cached | null {
    const c = this.cache.get(key)
    if (c === undefined) return null
    const ttl = c.outcome.ok ? (this.o.ttlMs ?? 6 * HOUR) : (this.o.failureTtlMs ?? 300_000)
    if (this.o.clock.now() - c.at < ttl) return c
    this.cache.delete(key)
    return null
  }

  /** True when one more lookup fits in the hourly cap (and counts it): lookups are counted when queued. */
  private underCap(): boolean {
    const now = this.o.clock.now()
    while (this.started.length > 0 && now - this.started[0]! >= HOUR) this.started.shift()
    if (this.started.length < (this.o.maxPerHour ?? 200)) {
      this.started.push(now)
      return true
    }
    if (now - this.capNoted >= HOUR) {
      this.capNoted = now
      this.o.log('warn', `enrichment: ${this.o.maxPerHour ?? 200} lookups in the last hour; further lookups are skipped until the hour's count drops`)
    }
    return false
  }

  private pump(kind: LookupKind): void {
    while (!this.closed && this.running[kind] < (this.o.concurrency ?? 2) && this.waiting[kind].length > 0) {
      const ip = this.waiting[kind].shift()!
      const key = `${kind} ${ip}`
      this.running[kind]++
      void attempt(kind, ip, this.o.lookups, this.o.timeoutMs).then((outcome) => {
        this.running[kind]--
        if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value!)
        this.cache.set(key, { outcome, at: this.o.clock.now() })
        if (!outcome.ok) this.noteFailure(kind, ip, outcome.error)
        this.settle(key)
        this.pump(kind)
      })
    }
  }

  // One line per kind and reason per minute: a dead resolver must not flood the log.
  private noteFailure(kind: LookupKind, ip: string, why: string): void {
    const now = this.o.clock.now()
    const last = this.lastFailure[kind]
    if (last !== undefined && last.why === why && now - last.at < 60_000) return
    this.lastFailure[kind] = { why, at: now }
    this.o.log('warn', `enrichment: ${KIND_NAME[kind]} of ${ip} failed: ${why}`)
  }
}
