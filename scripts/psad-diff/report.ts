import { describeField, FIELDS, type Field } from './compare.js'
import { UNEXPECTED, type CaseResult } from './diff.js'
import { EXPECTED_DIFFERENCES, psadErrorKind } from './expected.js'

// Text summary of differential runs: the numbers first, then differences grouped by cause, then the
// differing sources (unexpected ones with the input lines that produced them).

function pct(n: number): string {
  return `${n.toFixed(2)}%`
}

function levels(l: Record<string | number, number>): string {
  return [1, 2, 3, 4, 5].map((k) => `${k}:${l[k] ?? 0}`).join(' ')
}

/** Returns "cause → field → count" for a result. */
export function causeCounts(r: CaseResult): Map<string, Map<Field, number>> {
  const out = new Map<string, Map<Field, number>>()
  for (const a of r.attributed) {
    for (const [f, cause] of Object.entries(a.causes) as [Field, string][]) {
      const m = out.get(cause) ?? new Map<Field, number>()
      m.set(f, (m.get(f) ?? 0) + 1)
      out.set(cause, m)
    }
  }
  return out
}

/** Renders one case in full. `maxSources` bounds the per-source list. */
export function renderCase(r: CaseResult, maxSources: number): string {
  const c = r.comparison
  const out: string[] = []
  out.push(`== ${r.name}`)
  out.push(`psad: ${r.psad.firewallLines ?? '?'} firewall lines, ${r.psad.errorLines.length} rejected, levels ${levels(r.psad.levels)}  (${r.psad.seconds.toFixed(1)} s)`)
  out.push(`ours: ${r.ours.packets} packets of ${r.ours.linesRead} lines, skipped ${JSON.stringify(r.ours.skipped)}, levels ${levels(r.ours.levels)}  (${r.ours.seconds.toFixed(1)} s)`)
  out.push(`conntrack: psad ${r.context.psadConntrack}, ours ${r.context.ourConntrack}; persistence ${r.context.persistence ? 'Y' : 'N'}`)
  out.push(`sources compared: ${c.compared} (listed by either tool); identical DL: ${c.identicalDl} = ${pct(r.identicalDlPct)}; all fields identical: ${c.identical}`)
  out.push(`agreement (identical or expected DL difference): ${pct(r.agreementPct)}; unexpected DL differences: ${r.unexpectedDl}`)
  if (r.psad.errorLines.length > 0) {
    const kinds = new Map<string, number>()
    for (const l of r.psad.errorLines) kinds.set(psadErrorKind(l), (kinds.get(psadErrorKind(l)) ?? 0) + 1)
    out.push(`psad rejected: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  }
  if (r.psad.unparsed.length > 0) out.push(`psad output lines not understood: ${r.psad.unparsed.length} (first: ${JSON.stringify(r.psad.unparsed[0])})`)
  const counts = causeCounts(r)
  if (counts.size > 0) {
    out.push('differences by cause (sources per field):')
    const order = [...counts.keys()].sort((a, b) => (a === UNEXPECTED ? 1 : b === UNEXPECTED ? -1 : a < b ? -1 : 1))
    for (const cause of order) {
      const m = counts.get(cause)!
      const reason = EXPECTED_DIFFERENCES.find((e) => e.id === cause)?.reason ?? (cause === UNEXPECTED ? 'not explained by any expected difference' : 'several expected causes together')
      out.push(`  ${cause}: ${FIELDS.filter((f) => m.has(f)).map((f) => `${f} ${m.get(f)}`).join(', ')}  — ${reason}`)
    }
  }
  const sorted = [...r.attributed].sort((a, b) => Number(Object.values(b.causes).includes(UNEXPECTED)) - Number(Object.values(a.causes).includes(UNEXPECTED)) || (a.diff.ip < b.diff.ip ? -1 : 1))
  if (sorted.length > 0) out.push('differing sources:')
  for (const a of sorted.slice(0, maxSources)) {
    const parts = a.diff.fields.map((f) => `${describeField(f, a.diff.psad, a.diff.ours)} [${a.causes[f]}]`)
    out.push(`  ${a.diff.ip}: ${parts.join('; ')}`)
    for (const line of r.samples.get(a.diff.ip) ?? []) out.push(`      | ${line}`)
  }
  if (sorted.length > maxSources) out.push(`  … ${sorted.length - maxSources} more (use --max-sources)`)
  return out.join('\n')
}

/** Renders the one-line-per-case table of a --captures run. */
export function renderTable(results: readonly CaseResult[], skipped: readonly { name: string; why: string }[]): string {
  const out = ['case | compared | identical DL | agreement | unexpected (dl/any) | psad levels | our levels']
  for (const r of results) {
    const anyUnexpected = r.attributed.filter((a) => Object.values(a.causes).includes(UNEXPECTED)).length
    out.push(`${r.name} | ${r.comparison.compared} | ${pct(r.identicalDlPct)} | ${pct(r.agreementPct)} | ${r.unexpectedDl}/${anyUnexpected} | ${levels(r.psad.levels)} | ${levels(r.ours.levels)}`)
  }
  for (const s of skipped) out.push(`${s.name} | skipped: ${s.why}`)
  return out.join('\n')
}
