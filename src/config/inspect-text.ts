import { printable } from '../core/excerpt.js'
import type { ConfigBundle } from './bundle.js'
import { effectiveSettings, originText, type EffectiveSetting } from './provenance.js'

// Text views of a loaded configuration for `config check` and `config show`. Values may come from
// user files, so control characters are shown as escapes (printable) before they reach a terminal.

function wrap(words: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = []
  let cur = indent
  for (const w of words) {
    if (cur.length + w.length + 2 > width && cur.trim() !== '') {
      lines.push(cur.trimEnd())
      cur = indent
    }
    cur += `${w}, `
  }
  if (cur.trim() !== '') lines.push(cur.replace(/, $/, ''))
  return lines
}

/** Returns the `config check` report: what was loaded from where, warnings, ignored keys, verdict. */
export function renderCheck(b: ConfigBundle): string {
  const out: string[] = []
  if (b.loaded.length === 0) out.push('nothing to load: no --config or --psad-dir; portsleuth defaults and bundled data only')
  for (const item of b.loaded) out.push(`${item.what.padEnd(14)} ${printable(item.path)}: ${item.detail}  (${originText(item.origin)})`)
  if (b.warnings.length > 0) {
    out.push('', `warnings (${b.warnings.length}):`)
    for (const w of b.warnings) out.push(`  ${printable(w)}`)
  }
  if (b.ignoredKeys.length > 0) {
    out.push('', `accepted but not used by portsleuth (${b.ignoredKeys.length} keys):`)
    out.push(...wrap(b.ignoredKeys, '  '))
  }
  out.push('', b.errors.length === 0 ? 'OK' : `${b.errors.length} error${b.errors.length === 1 ? '' : 's'}`)
  return `${out.join('\n')}\n`
}

/** Returns the rows of `config show`. */
export function showRows(b: ConfigBundle): EffectiveSetting[] {
  const lists = b.reputation?.feeds.filter((f) => f.origin === '--reputation').map((f) => `${f.file}:${f.dl}:${f.name}`) ?? []
  return effectiveSettings(b.settings, b.provenance, { osFiles: b.request.overrides.osFiles ?? [], reputationLists: lists })
}

/** Returns the `config show` table: KEY VALUE FROM, one setting per line. */
export function renderShow(b: ConfigBundle): string {
  const rows = showRows(b)
  const kw = Math.max(...rows.map((r) => r.key.length))
  const vw = Math.min(48, Math.max(...rows.map((r) => r.value.length)))
  const lines = rows.map((r) => `${r.key.padEnd(kw)}  ${printable(r.value).padEnd(vw)}  ${printable(originText(r.origin))}`)
  return `${'KEY'.padEnd(kw)}  ${'VALUE'.padEnd(vw)}  FROM\n${lines.join('\n')}\n`
}
