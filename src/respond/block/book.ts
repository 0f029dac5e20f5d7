import { InputError } from '../../core/errors.js'
import type { Family } from '../blocker.js'
import { DEFAULT_IPSET, ipsetRestore, type IpsetOptions } from './ipset.js'
import { DEFAULT_NFT, nftScript, type NftOptions } from './nftables.js'
import { baseTimeout, DEFAULT_POLICY, offenceTimeout, type BlockPolicy } from './policy.js'
import { contains, parseTarget, type Target } from './target.js'

// The block book: which targets portsleuth has blocked, since when, until when and why, plus how
// often each target was blocked (for doubling). It is plain data (toJSON / fromJSON), takes time as
// an argument and runs nothing: the caller applies what it returns to a Blocker and stores the book.
// Times are epoch milliseconds; timeouts are seconds.

export interface BookEntry {
  /** Canonical CIDR (`1.2.3.4/32`, `2001:db8::/64`). */
  target: string
  family: Family
  /** The source that caused the block. */
  ip: string
  since: number
  /** null = permanent. */
  expires: number | null
  dangerLevel: number
  reason: string
  /** Which block of this target this is (1 = first). */
  offences: number
}

export interface BookState {
  version: 1
  entries: BookEntry[]
  /** Per target: blocks so far and when the last began. */
  offences: Record<string, { count: number; last: number }>
  /** True once "cap reached" was reported, until the book drops below the cap again. */
  capReported: boolean
}

export interface BlockRequest {
  ip: string
  target: Target | string
  dangerLevel: number
  reason: string
  /** Seconds for this block instead of the policy's (0 = permanent), e.g. a manual `block add --timeout`. */
  timeout?: number
}

export type AddResult =
  /** Block it for `timeout` seconds (0 = permanent); first unblock `replaces`, the narrower blocks it covers. */
  | { kind: 'added'; entry: BookEntry; timeout: number; replaces: BookEntry[] }
  /** Already blocked, nothing to do. */
  | { kind: 'already'; entry: BookEntry }
  /** A wider block already covers it. */
  | { kind: 'covered'; by: BookEntry }
  /** Refused: maxBlocks reached. `first` is true once per time the cap is reached: alert then. */
  | { kind: 'cap'; first: boolean; max: number }

/** A block to apply again after a restart, with the seconds it has left (0 = permanent). */
export interface Reapply {
  entry: BookEntry
  remaining: number
}

export type ExportFormat = 'nft' | 'ipset' | 'json'

function active(e: BookEntry, now: number): boolean {
  return e.expires === null || e.expires > now
}

/** The book of blocks; mutable, JSON-serialisable through toJSON/fromJSON. */
export class BlockBook {
  private readonly entries = new Map<string, BookEntry>()
  private readonly offences = new Map<string, { count: number; last: number }>()
  private capReported = false

  constructor(readonly policy: BlockPolicy = DEFAULT_POLICY) {}

  /** Rebuilds a book from toJSON() output; throws InputError naming the bad field when the data is not a book. */
  static fromJSON(data: unknown, policy: BlockPolicy = DEFAULT_POLICY, where = 'block book'): BlockBook {
    const bad = (msg: string): never => {
      throw new InputError(`${where}: ${msg}`, 'the block state is damaged; move it aside to start with an empty book (blocks in the kernel stay until they expire or are flushed)')
    }
    const d = data as BookState
    if (d === null || typeof d !== 'object' || d.version !== 1 || !Array.isArray(d.entries)) bad('not a version 1 block book')
    const book = new BlockBook(policy)
    for (const [i, e] of d.entries.entries()) {
      let t: Target
      try {
        t = parseTarget(e?.target)
      } catch (err) {
        return bad(`entry ${i}: ${(err as Error).message}`)
      }
      const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v)
      if (!num(e.since) || !(e.expires === null || num(e.expires)) || !num(e.dangerLevel) || !num(e.offences) || typeof e.ip !== 'string' || typeof e.reason !== 'string') bad(`entry ${i} (${t.cidr}): a field is missing or of the wrong type`)
      book.entries.set(t.cidr, { ...e, target: t.cidr, family: t.family })
    }
    for (const [k, v] of Object.entries(d.offences ?? {})) if (typeof v?.count === 'number' && typeof v.last === 'number') book.offences.set(k, { count: v.count, last: v.last })
    book.capReported = d.capReported === true
    return book
  }

  /** Returns the book as plain data (what the state directory stores). */
  toJSON(): BookState {
    return { version: 1, entries: [...this.entries.values()], offences: Object.fromEntries(this.offences), capReported: this.capReported }
  }

  /** Every entry, expired ones included until removed. */
  list(): BookEntry[] {
    return [...this.entries.values()]
  }

  get size(): number {
    return this.entries.size
  }

  /** Returns the entry for a target (any spelling of it), or undefined. Throws TargetError when it does not parse. */
  get(target: Target | string): BookEntry | undefined {
    return this.entries.get(typeof target === 'string' ? parseTarget(target).cidr : target.cidr)
  }

  private offenceCount(cidr: string, now: number): number {
    const o = this.offences.get(cidr)
    if (o === undefined) return 0
    const memory = this.policy.offenceMemory
    return memory > 0 && now - o.last > memory * 1000 ? 0 : o.count
  }

  /** Records a block decision at `now` (ms); see AddResult for what the caller must do. */
  add(req: BlockRequest, now: number): AddResult {
    const t = typeof req.target === 'string' ? parseTarget(req.target) : req.target
    const same = this.entries.get(t.cidr)
    if (same !== undefined && active(same, now)) return { kind: 'already', entry: same }
    const live = [...this.entries.values()].filter((e) => e.target !== t.cidr && active(e, now))
    const by = live.find((e) => contains(parseTarget(e.target), t))
    if (by !== undefined) return { kind: 'covered', by }
    const replaces = live.filter((e) => contains(t, parseTarget(e.target)))
    const max = this.policy.maxBlocks
    const count = live.length - replaces.length
    if (max > 0 && count >= max) {
      const first = !this.capReported
      this.capReported = true
      return { kind: 'cap', first, max }
    }
    const offences = this.offenceCount(t.cidr, now) + 1
    const timeout = req.timeout ?? offenceTimeout(baseTimeout(this.policy, req.dangerLevel), offences, this.policy)
    const entry: BookEntry = { target: t.cidr, family: t.family, ip: req.ip, since: now, expires: timeout === 0 ? null : now + timeout * 1000, dangerLevel: req.dangerLevel, reason: req.reason, offences }
    for (const r of replaces) this.entries.delete(r.target)
    this.entries.set(t.cidr, entry)
    this.remember(t.cidr, offences, now)
    return { kind: 'added', entry, timeout, replaces }
  }

  private remember(cidr: string, count: number, now: number): void {
    this.offences.delete(cidr)
    this.offences.set(cidr, { count, last: now })
    // Map order is insertion order, and remember() re-inserts: the first key is the oldest.
    while (this.offences.size > this.policy.maxHistory) this.offences.delete(this.offences.keys().next().value!)
  }

  /** Removes a target's entry (its offence count is kept); returns it, or undefined when absent. */
  remove(target: Target | string): BookEntry | undefined {
    const cidr = typeof target === 'string' ? parseTarget(target).cidr : target.cidr
    const e = this.entries.get(cidr)
    this.entries.delete(cidr)
    if (this.policy.maxBlocks === 0 || this.entries.size < this.policy.maxBlocks) this.capReported = false
    return e
  }

  /** Returns the entries whose time is up at `now`: unblock them, then remove them from the book. */
  expired(now: number): BookEntry[] {
    return this.list().filter((e) => !active(e, now))
  }

  /** After a restart: what to apply again (with the seconds left) and what has expired meanwhile. */
  reapply(now: number): { apply: Reapply[]; remove: BookEntry[] } {
    const apply: Reapply[] = []
    const remove: BookEntry[] = []
    for (const e of this.entries.values()) {
      if (!active(e, now)) remove.push(e)
      else apply.push({ entry: e, remaining: e.expires === null ? 0 : Math.ceil((e.expires - now) / 1000) })
    }
    return { apply, remove }
  }

  /** `block export`: an `nft -f` script, an `ipset restore` file or JSON of the live blocks, with their remaining time. */
  export(format: ExportFormat, now: number, options: { nft?: NftOptions; ipset?: IpsetOptions } = {}): string {
    const { apply } = this.reapply(now)
    const elements = apply.map((a) => ({ target: parseTarget(a.entry.target), timeout: a.remaining }))
    if (format === 'nft') return nftScript(options.nft ?? DEFAULT_NFT, elements)
    if (format === 'ipset') return ipsetRestore(options.ipset ?? DEFAULT_IPSET, elements)
    const blocks = apply.map((a) => ({ ...a.entry, remaining: a.entry.expires === null ? null : a.remaining }))
    return `${JSON.stringify({ version: 1, exported: now, blocks }, null, 2)}\n`
  }
}
