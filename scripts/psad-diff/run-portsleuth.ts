import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConntrackMode } from '../../src/config/settings.js'
import { batchRequest } from '../../src/cli/flags.js'
import { runBatch } from '../../src/run/batch.js'
import { systemClock } from '../../src/core/clock.js'
import type { ReportV1 } from '../../src/report/model.js'

// Runs portsleuth's analysis in-process through the same entry point `portsleuth analyze` uses and
// returns its JSON report (schema v1): current sources, no build step, no process start per variant.
// Settings that differ from the base psad.conf are written as a config file whose first lines carry
// the overrides (psad's rule, shared by portsleuth: the first definition wins).

export interface PortsleuthRunOptions {
  input: string
  config: string
  overrides: Readonly<Record<string, string>>
  signatures: string
  conntrack: ConntrackMode
  year: number | undefined
  fields: string | null
  icmpValidation: boolean
  /** auto_dl file, or null for none (--no-auto-dl). */
  autoDl: string | null
  /** --include-allowed. */
  includeAllowed?: boolean
  /** false: --no-flood-scoring. */
  floodScoring?: boolean
  /** Scratch directory for derived config files. */
  tmp: string
}

let serial = 0

/**
 * Writes `base` with `overrides` in front and returns its path (the base itself when there are none).
 * Base lines setting an overridden key are commented out: first-wins would already ignore them, except
 * for keys that accumulate (FW_MSG_SEARCH), which an override must replace, not extend.
 */
export async function configWith(base: string, overrides: Readonly<Record<string, string>>, tmp: string): Promise<string> {
  const entries = Object.entries(overrides)
  if (entries.length === 0) return base
  const file = join(tmp, `config-${++serial}.conf`)
  const head = entries.map(([k, v]) => `${k}    ${v};\n`).join('')
  const body = (await readFile(base, 'utf8')).split('\n').map((l) => {
    const key = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s/.exec(l)?.[1]
    return key !== undefined && key in overrides ? `# (overridden) ${l}` : l
  })
  await writeFile(file, head + body.join('\n'))
  return file
}

/**
 * Returns portsleuth's report for one input; throws what `analyze` throws (bad config, signatures).
 * The request is built from `portsleuth analyze` flag names (the public interface), so this keeps
 * working while the core's request type evolves.
 */
export async function runPortsleuth(o: PortsleuthRunOptions): Promise<{ report: ReportV1; seconds: number }> {
  const t0 = performance.now()
  const flags: Record<string, unknown> = {
    config: await configWith(o.config, o.overrides, o.tmp),
    signatures: [o.signatures],
    conntrack: o.conntrack,
    // Passive OS fingerprinting does not take part in the comparison.
    'no-os': true,
    ...(o.autoDl === null ? { 'no-auto-dl': true } : { 'auto-dl': o.autoDl }),
    ...(o.year === undefined ? {} : { year: o.year }),
    ...(o.fields === null ? {} : { fields: o.fields }),
    ...(o.icmpValidation ? {} : { 'no-icmp-validation': true }),
    ...(o.includeAllowed === true ? { 'include-allowed': true } : {}),
    ...(o.floodScoring === false ? { 'no-flood-scoring': true } : {}),
  }
  const outcome = await runBatch(batchRequest([o.input], flags, 'psad-diff', systemClock))
  if (outcome.problems.length > 0) throw new Error(outcome.problems.map((p) => p.message).join('; '))
  return { report: outcome.report, seconds: (performance.now() - t0) / 1000 }
}
