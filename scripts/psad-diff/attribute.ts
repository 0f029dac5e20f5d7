import type { Field, SourceDiff, Verdict } from './compare.js'
import { fieldEqual } from './compare.js'
import { EXPECTED_DIFFERENCES, type DiffContext, type Variant } from './expected.js'

// Attribution of differences to expected causes (expected.ts), by experiment: a variant run that
// imitates psad in one respect; a difference it makes disappear has that cause. Differences that need
// several causes at once are found with all variants together, then each left out in turn.

export const UNEXPECTED = 'unexpected'

export interface AttributedDiff {
  diff: SourceDiff
  /** Per differing field: the id of an expected difference, several joined by '+', or 'unexpected'. */
  causes: Partial<Record<Field, string>>
}

/** Runs a variant and returns both tools' verdicts under it (psad's from the main run when unchanged). */
export type VariantRunner = (v: Variant, tag: string) => Promise<{ theirs: Map<string, Verdict>; mine: Map<string, Verdict> }>

const ALL_FIELDS: readonly Field[] = ['dl', 'signatures', 'ports', 'packets']

/** Returns one variant doing everything the given ones do. */
export function combine(vs: readonly Variant[]): Variant {
  const rules = vs.map((v) => v.rule).filter((k): k is (r: string) => string | null => k !== undefined)
  const out: Variant = { overrides: Object.assign({}, ...vs.map((v) => v.overrides ?? {})) as Record<string, string> }
  const psadArgs = [...new Set(vs.flatMap((v) => v.psadArgs ?? []))]
  if (psadArgs.length > 0) out.psadArgs = psadArgs
  if (vs.some((v) => v.icmpValidation === false)) out.icmpValidation = false
  if (vs.some((v) => v.psadAcceptsAllIcmp === true)) out.psadAcceptsAllIcmp = true
  const conntrack = vs.find((v) => v.conntrack !== undefined)?.conntrack
  if (conntrack !== undefined) out.conntrack = conntrack
  if (rules.length > 0) out.rule = (r) => rules.reduce<string | null>((acc, f) => (acc === null ? null : f(acc)), r)
  if (vs.some((v) => v.withoutPsadErrors === true)) out.withoutPsadErrors = true
  if (vs.some((v) => v.withoutOutbound === true)) out.withoutOutbound = true
  if (vs.some((v) => v.includeAllowed === true)) out.includeAllowed = true
  if (vs.some((v) => v.floodScoring === false)) out.floodScoring = false
  return out
}

/** Attributes every field of every difference to an expected cause or to UNEXPECTED. Throws what `run` throws. */
export async function attribute(diffs: readonly SourceDiff[], context: DiffContext, run: VariantRunner): Promise<AttributedDiff[]> {
  const attributed: AttributedDiff[] = diffs.map((diff) => ({ diff, causes: {} }))
  const open = (): [AttributedDiff, Field][] => attributed.flatMap((a) => a.diff.fields.filter((f) => a.causes[f] === undefined).map((f) => [a, f] as [AttributedDiff, Field]))
  const tryVariant = async (v: Variant, id: string, fields: readonly Field[], tag: string, test?: (d: SourceDiff) => boolean): Promise<void> => {
    const candidates = open().filter(([a, f]) => fields.includes(f) && (test === undefined || test(a.diff)))
    if (candidates.length === 0) return
    const { theirs, mine } = await run(v, tag)
    for (const [a, f] of candidates) if (fieldEqual(f, theirs.get(a.diff.ip) ?? null, mine.get(a.diff.ip))) a.causes[f] = id
  }
  const entries = EXPECTED_DIFFERENCES.filter((e) => e.applies(context))
  for (const e of entries) {
    if (e.variant !== undefined || e.explains === undefined) continue
    for (const [a, f] of open()) if (e.fields.includes(f) && e.explains(a.diff, context)) a.causes[f] = e.id
  }
  const variants = entries.filter((e) => e.variant !== undefined)
  for (const [i, e] of variants.entries()) {
    const test = e.explains === undefined ? undefined : (d: SourceDiff): boolean => e.explains!(d, context)
    await tryVariant(e.variant!(context), e.id, e.fields, `variant-${i}`, test)
  }
  if (open().length > 0 && variants.length > 1) {
    const ALL = '*combined*'
    await tryVariant(combine(variants.map((e) => e.variant!(context))), ALL, ALL_FIELDS, 'variant-all')
    const combined = attributed.flatMap((a) => a.diff.fields.filter((f) => a.causes[f] === ALL).map((f) => [a, f] as [AttributedDiff, Field]))
    const needed = new Map<string, string[]>()
    for (const [i, e] of variants.entries()) {
      if (combined.length === 0) break
      const { theirs, mine } = await run(combine(variants.filter((x) => x !== e).map((x) => x.variant!(context))), `variant-without-${i}`)
      for (const [a, f] of combined) {
        if (fieldEqual(f, theirs.get(a.diff.ip) ?? null, mine.get(a.diff.ip))) continue
        const key = `${a.diff.ip}|${f}`
        needed.set(key, [...(needed.get(key) ?? []), e.id])
      }
    }
    for (const [a, f] of combined) a.causes[f] = (needed.get(`${a.diff.ip}|${f}`) ?? variants.map((e) => e.id)).join('+')
  }
  for (const [a, f] of open()) a.causes[f] = UNEXPECTED
  return attributed
}
