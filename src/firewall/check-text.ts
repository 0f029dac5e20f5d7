import { printable } from '../core/excerpt.js'
import type { FwCheckReport } from './check.js'

// Text view of a fw-check report: one verdict line per family and hook, then each finding with the
// commands that fix it. Prefixes, chain names and comments come from the ruleset and may hold
// control characters: everything goes through printable.

const FAMILY: Record<string, string> = { ipv4: 'IPv4', ipv6: 'IPv6' }

/** Renders the report as text; `verbose` adds the other drops nothing logs. */
export function renderCheckText(r: FwCheckReport, verbose = false): string {
  const lines: string[] = []
  const heads = r.checks.map((c) => `${FAMILY[c.family]} ${c.hook}`)
  const width = Math.max(0, ...heads.map((h) => h.length)) + 2
  r.checks.forEach((c, i) => {
    const where = c.table === null ? '' : `  (${c.source === 'iptables' ? (c.family === 'ipv6' ? 'ip6tables' : 'iptables') : 'nft'} ${c.table} ${c.chain})`
    lines.push(`${heads[i]!.padEnd(width)}${c.label}${where}`)
  })
  for (const [i, c] of r.checks.entries()) {
    const extra = verbose ? c.unlogged : []
    if (c.verdict === 'logged' && c.suggestions.length === 0 && extra.length === 0) continue
    lines.push('', `${heads[i]}: ${c.label}`, `  ${c.detail}`)
    if (extra.length > 0) lines.push('  also dropped without a log rule:', ...extra.map((u) => `    ${u}`))
    if (c.suggestions.length > 0) {
      lines.push(c.verdict === 'logged' ? '  to improve:' : '  to fix, run:')
      for (const s of c.suggestions) lines.push(`    ${s.command}`, `      # ${s.why}`)
    }
  }
  if (r.warnings.length > 0) lines.push('', 'warnings:', ...r.warnings.map((w) => `  ${w}`))
  if (r.notes.length > 0) lines.push('', ...r.notes)
  lines.push('', r.ok ? 'OK: dropped packets are logged on every checked path' : 'FAIL: dropped packets are not logged everywhere (see above)')
  return `${lines.map(printable).join('\n')}\n`
}
