import type { FindingV1, ReportV1, SourceV1 } from '../report/model.js'
import { cleanName, cleanWhois, cleanNote } from './enrich-text.js'

// Reverse DNS and whois of the reported sources, after the analysis and before rendering. Pure apart
// from the lookups it is given: tests pass in-memory ones, the commands the networked ones
// (enrich-net.ts). A lookup that fails or times out leaves null plus an `enrichment` finding on the
// source; it never fails the run.

export type LookupKind = 'dns' | 'whois'

/** What enrichment asks of the outside world. Both may ignore `signal`; the caller times them out anyway. */
export interface EnrichLookups {
  /** Resolves to the PTR name, or null when the address has none (NXDOMAIN, NODATA); rejects on failure. */
  reverse(ip: string, signal: AbortSignal): Promise<string | null>
  /** Resolves to the raw whois answer; rejects on failure. */
  whois(ip: string, signal: AbortSignal): Promise<string>
}

export interface EnrichOptions {
  dns: boolean
  whois: boolean
  /** Only sources at or above this danger level. */
  minDangerLevel: number
  /** At most this many sources, worst first. */
  max: number
  /** Per lookup. */
  timeoutMs: number
  /** Lookups in flight at once (default 4: the registries rate-limit). */
  concurrency?: number
  /** Outcomes by `kind ip`; pass the same map to later calls of one run to reuse answers and failures. */
  cache?: EnrichCache
}

export type LookupOutcome = { ok: true; value: string | null } | { ok: false; error: string }
export type EnrichCache = Map<string, Promise<LookupOutcome>>

export interface EnrichSummary {
  /** Listed sources at or above the minimum danger level. */
  eligible: number
  /** Sources looked up (eligible, cut to `max`). */
  enriched: number
  /** Lookups sent (cache misses). */
  lookups: number
  cached: number
  failed: number
}

export const DEFAULT_CONCURRENCY = 4

class LookupTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`)
  }
}

/** Returns the sources to look up: danger level ≥ `minDangerLevel`, highest first (stable), at most `max`. */
export function selectSources(sources: readonly SourceV1[], minDangerLevel: number, max: number): SourceV1[] {
  return sources
    .filter((s) => s.dangerLevel >= minDangerLevel)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.dangerLevel - a.s.dangerLevel || a.i - b.i)
    .slice(0, Math.max(0, max))
    .map((x) => x.s)
}

/** Runs `fn` with an AbortSignal; rejects with a timeout error after `ms` whether or not `fn` listens. */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const ac = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new LookupTimeout(ms)
      ac.abort(err)
      reject(err)
    }, ms)
  })
  try {
    return await Promise.race([fn(ac.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs one lookup under `timeoutMs` and returns its cleaned outcome; never rejects. */
export async function attempt(kind: LookupKind, ip: string, lookups: EnrichLookups, timeoutMs: number): Promise<LookupOutcome> {
  try {
    const value = await withTimeout((signal) => (kind === 'dns' ? lookups.reverse(ip, signal) : lookups.whois(ip, signal)), timeoutMs)
    if (kind === 'dns') return { ok: true, value: value === null ? null : cleanName(value) }
    const text = cleanWhois(value ?? '')
    return text === '' ? { ok: false, error: 'empty answer' } : { ok: true, value: text }
  } catch (err) {
    return { ok: false, error: cleanNote(err instanceof Error ? err.message : String(err)) }
  }
}

/** Runs the tasks with at most `n` in flight; never rejects (tasks catch their own errors). */
async function pool(tasks: (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!()
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, tasks.length)) }, worker))
}

/**
 * Returns a copy of the report whose selected sources carry `enrichment` (and an `enrichment` finding
 * per failed lookup), with counts for the stderr summary. Never rejects because of a lookup.
 */
export async function enrichReport(report: ReportV1, lookups: EnrichLookups, opts: EnrichOptions): Promise<{ report: ReportV1; summary: EnrichSummary }> {
  const kinds: LookupKind[] = [...(opts.dns ? ['dns' as const] : []), ...(opts.whois ? ['whois' as const] : [])]
  const eligible = report.sources.filter((s) => s.dangerLevel >= opts.minDangerLevel).length
  const chosen = kinds.length === 0 ? [] : selectSources(report.sources, opts.minDangerLevel, opts.max)
  const cache = opts.cache ?? new Map<string, Promise<LookupOutcome>>()
  const summary: EnrichSummary = { eligible, enriched: chosen.length, lookups: 0, cached: 0, failed: 0 }
  const results = new Map<string, Partial<Record<LookupKind, LookupOutcome>>>()

  const tasks = chosen.flatMap((s) =>
    kinds.map((kind) => async () => {
      const key = `${kind} ${s.ip}`
      let pending = cache.get(key)
      if (pending === undefined) {
        summary.lookups++
        pending = attempt(kind, s.ip, lookups, opts.timeoutMs)
        cache.set(key, pending)
      } else summary.cached++
      const outcome = await pending
      if (!outcome.ok) summary.failed++
      results.set(s.ip, { ...results.get(s.ip), [kind]: outcome })
    }),
  )
  await pool(tasks, opts.concurrency ?? DEFAULT_CONCURRENCY)

  const picked = new Set(chosen)
  const sources = report.sources.map((s) => {
    const r = results.get(s.ip)
    if (r === undefined || !picked.has(s)) return s
    const value = (o: LookupOutcome | undefined): string | null => (o?.ok === true ? o.value : null)
    const notes: FindingV1[] = kinds.flatMap((k) => {
      const o = r[k]
      return o !== undefined && !o.ok ? [{ kind: 'enrichment', message: `${k === 'dns' ? 'reverse DNS' : 'whois'} lookup failed: ${o.error}` }] : []
    })
    return { ...s, enrichment: { dns: value(r.dns), whois: value(r.whois) }, findings: [...s.findings, ...notes] }
  })
  return { report: { ...report, sources }, summary }
}

/** Returns the one stderr line that sums up an enrichment run. */
export function summaryLine(sum: EnrichSummary, opts: Pick<EnrichOptions, 'dns' | 'whois' | 'minDangerLevel' | 'max'>): string {
  const what = [opts.dns ? 'reverse DNS' : '', opts.whois ? 'whois' : ''].filter((x) => x !== '').join(' and ')
  const left = sum.eligible > sum.enriched ? `, ${sum.eligible - sum.enriched} more left out by --enrich-max ${opts.max}` : ''
  const failed = sum.failed === 0 ? 'none failed' : `${sum.failed} failed (see the sources' enrichment findings)`
  return `${what} of ${sum.enriched} source(s) at DL ${opts.minDangerLevel}+${left}: ${sum.lookups} lookup(s), ${failed}`
}
