import { UsageError } from '../core/errors.js'
import type { DetectionPlan } from '../detect/detector.js'
import { parseFields, type FieldCriterion } from '../detect/fields.js'
import type { ReadingOptions } from '../sources/reading.js'
import { loadConfigBundle, type ConfigBundle, type ConfigRequest } from './bundle.js'
import type { SignatureSet } from './signatures.js'
import { parseTimeSpec, untilFor } from './timespec.js'

// The plan of a run: flags and configuration files compiled once, before line one, into one
// immutable object that everything downstream takes (the detector, the line feeds, the threads).
// A worker thread compiles the same plan from the same request, which is plain data for that reason.

/** What a plan is compiled from (plain data: it crosses to worker threads). */
export interface PlanRequest extends ReadingOptions {
  /** psad.conf or psad directory, the data files it names, and flag overrides. */
  config: ConfigRequest
  since: string | null
  until: string | null
  /** Packet criteria in the `--fields` language: `--fields` itself and the criteria of `--csv-fields` items. */
  criteria: readonly string[]
  /** --include-allowed: score packets logged as allowed or audit-only (default: counted apart). */
  includeAllowed?: boolean
  /** --no-flood-scoring: psad's verdicts, where a flood on one port is no scan (default: scored). */
  floodScoring?: boolean
}

/** Configuration, criteria, signatures and lists of a run, validated and compiled. */
export interface Plan extends DetectionPlan {
  readonly request: PlanRequest
  readonly signatures: SignatureSet | null
  /** Non-fatal notes for stderr (skipped signature rules, data file warnings). */
  readonly warnings: readonly string[]
  /** psad.conf keys that were set but that portsleuth does not act on. */
  readonly ignoredConfigKeys: readonly string[]
}

// snort_rule_dl overrides the danger level of signatures by their sid (or psad_id), as psad does.
function applySnortRuleDl(bundle: ConfigBundle): void {
  if (bundle.snortRuleDl === null || bundle.signatures === null) return
  for (const sig of bundle.signatures.signatures) {
    const override = bundle.snortRuleDl.get(sig.sid ?? sig.psadId ?? -1)
    if (override !== undefined) sig.dl = override.dl
  }
}

function timeRange(req: PlanRequest): { since: number | null; until: number | null } {
  const since = req.since === null ? null : parseTimeSpec(req.since, req.now, '--since')
  const untilText = untilFor(req.since, req.until)
  const until = untilText === null ? null : parseTimeSpec(untilText, req.now, '--until')
  if (since !== null && until !== null && until <= since) throw new UsageError(`--until (${untilText}) is not after --since (${req.since})`)
  return { since, until }
}

/** Loads, validates and compiles everything a run needs. Throws UsageError or ConfigError. */
export async function compilePlan(request: PlanRequest): Promise<Plan> {
  const criteria: FieldCriterion[] = request.criteria.flatMap((spec) => parseFields(spec))
  const bundle = await loadConfigBundle(request.config)
  const { settings } = bundle
  settings.filters = { ...settings.filters, ...timeRange(request), includeAllowed: request.includeAllowed ?? false }
  settings.detection = { ...settings.detection, floodScoring: request.floodScoring ?? true }
  applySnortRuleDl(bundle)
  return Object.freeze({
    request,
    settings,
    criteria,
    signatures: bundle.signatures,
    os: bundle.os,
    lists: { autoDl: bundle.autoDl, reputation: bundle.reputation, snortRules: bundle.snortRules, snortRuleDl: bundle.snortRuleDl },
    warnings: bundle.warnings,
    ignoredConfigKeys: bundle.ignoredKeys,
  })
}
