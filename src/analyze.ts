import { parseTimeSpec } from './cli/timespec.js'
import { loadConfigBundle, type ConfigBundle, type ConfigRequest } from './config/bundle.js'
import type { Settings } from './config/settings.js'
import type { Clock } from './core/clock.js'
import { UsageError } from './core/errors.js'
import type { DangerEvent, DetectionLists } from './detect/engine.js'
import type { PacketSink } from './detect/analyzer.js'
import { parseFields, type FieldCriterion } from './detect/fields.js'
import type { OsDatabase } from './detect/os/index.js'
import type { SignatureSet } from './detect/signatures/load.js'
import { runAnalysis, type AnalysisResult } from './pipeline.js'
import { buildReport } from './report/build.js'
import type { ReportV1 } from './report/model.js'
import { resolveInputs, type Input, type InputProblem } from './sources/inputs.js'
import { systemLog } from './sources/system-log.js'

/** Everything `portsleuth analyze` was asked to do, already typed (the command only parses flags). */
export interface AnalyzeRequest {
  files: readonly string[]
  journal: boolean
  /** psad.conf or psad directory, the data files it names, and flag overrides. */
  config: ConfigRequest
  since: string | null
  until: string | null
  year: number | undefined
  fields: string | null
  maxLineLength: number
  /**
   * Threads analysing file inputs together (0 or 1: one). Absent: as many as CPUs (at most 4) for
   * inputs large enough to repay starting them.
   */
  threads?: number
  version: string
  clock: Clock
  onEvent?: (e: DangerEvent) => void
  onRawBytes?: (n: number) => void
  /** Called after each chunk of input with the number of lines it completed (progress). */
  onLines?: (n: number) => void
}

export interface AnalyzeOutcome {
  report: ReportV1
  result: AnalysisResult
  settings: Settings
  /** Inputs that could not be (fully) read: the run reports what it read, then exits 4. */
  problems: InputProblem[]
  /** Non-fatal notes for stderr (skipped signature rules, data file warnings). */
  warnings: string[]
  ignoredConfigKeys: string[]
}

/**
 * What builds an analysis engine, as plain data: a parallel run's worker threads rebuild their
 * engines from it (each loads the same configuration and signatures).
 */
export interface EngineRequest {
  /** psad.conf or psad directory, the data files it names, and flag overrides. */
  config: ConfigRequest
  since: string | null
  until: string | null
  fields: string | null
  /** The run's "now" in epoch ms (relative --since/--until, year inference without an mtime). */
  now: number
}

/** Configuration, criteria, signatures and lists of an analysis, validated. */
export interface PreparedEngine {
  settings: Settings
  fields: FieldCriterion[]
  signatures: SignatureSet | null
  os: OsDatabase | null
  lists: DetectionLists
  warnings: string[]
  ignoredConfigKeys: string[]
}

function applyTimeRange(req: EngineRequest, settings: Settings): void {
  const since = req.since === null ? null : parseTimeSpec(req.since, req.now, '--since')
  const until = req.until === null ? null : parseTimeSpec(req.until, req.now, '--until')
  if (since !== null && until !== null && until <= since) throw new UsageError(`--until (${req.until}) is not after --since (${req.since})`)
  settings.filters = { ...settings.filters, since, until }
}

// snort_rule_dl overrides the danger level of signatures by their sid (or psad_id), as psad does.
function applySnortRuleDl(bundle: ConfigBundle): void {
  if (bundle.snortRuleDl === null || bundle.signatures === null) return
  for (const sig of bundle.signatures.signatures) {
    const override = bundle.snortRuleDl.get(sig.sid ?? sig.psadId ?? -1)
    if (override !== undefined) sig.dl = override.dl
  }
}

/** Loads and validates everything an engine needs. Throws UsageError, ConfigError. */
export async function prepareEngine(req: EngineRequest): Promise<PreparedEngine> {
  const fields = req.fields === null ? [] : parseFields(req.fields)
  const bundle = await loadConfigBundle(req.config)
  const { settings } = bundle
  applyTimeRange(req, settings)
  applySnortRuleDl(bundle)
  return {
    settings,
    fields,
    signatures: bundle.signatures,
    os: bundle.os,
    lists: { autoDl: bundle.autoDl, reputation: bundle.reputation, snortRules: bundle.snortRules, snortRuleDl: bundle.snortRuleDl },
    warnings: bundle.warnings,
    ignoredConfigKeys: bundle.ignoredKeys,
  }
}

async function inputsFor(req: AnalyzeRequest, settings: Settings): Promise<{ inputs: Input[]; problems: InputProblem[] }> {
  const { since, until } = settings.filters
  if (req.journal) {
    if (req.files.length > 0) throw new UsageError('give either FILE arguments or --journal, not both')
    return { inputs: [{ kind: 'journal', since, until }], problems: [] }
  }
  if (req.files.length === 0) return { inputs: [await systemLog(since, until)], problems: [] }
  return resolveInputs(req.files)
}

/** Configuration, signatures and inputs of a run, all validated; nothing has been read yet. */
export interface PreparedAnalysis extends PreparedEngine {
  req: AnalyzeRequest
  engine: EngineRequest
  inputs: Input[]
  problems: InputProblem[]
}

/**
 * Loads and validates configuration, data files, criteria and signatures and resolves the inputs,
 * before the first line is read (a typo fails at once). Throws UsageError, ConfigError, InputError.
 */
export async function prepareAnalysis(req: AnalyzeRequest): Promise<PreparedAnalysis> {
  const engine: EngineRequest = { config: req.config, since: req.since, until: req.until, fields: req.fields, now: req.clock.now() }
  const prepared = await prepareEngine(engine)
  const { inputs, problems } = await inputsFor(req, prepared.settings)
  return { ...prepared, req, engine, inputs, problems }
}

/** Hooks for outputs that work while lines are read. */
export interface RunHooks {
  /** More packet criteria (e.g. from --csv-fields), applied like --fields. */
  extraFields?: readonly FieldCriterion[]
  onPacket?: PacketSink | null
  afterChunk?: () => Promise<void> | null
}

/** Reads every input once through one engine and builds the report. Input problems are returned, not thrown. */
export async function runPrepared(p: PreparedAnalysis, hooks: RunHooks = {}): Promise<AnalyzeOutcome> {
  const { req, settings } = p
  const result = await runAnalysis({
    inputs: p.inputs,
    engine: p.engine,
    settings,
    signatures: p.signatures?.index ?? null,
    os: p.os,
    lists: p.lists,
    fields: [...p.fields, ...(hooks.extraFields ?? [])],
    year: req.year,
    now: p.engine.now,
    maxLineLength: req.maxLineLength,
    onEvent: req.onEvent,
    onRawBytes: req.onRawBytes,
    onLines: req.onLines,
    threads: req.threads,
    onPacket: hooks.onPacket ?? undefined,
    afterChunk: hooks.afterChunk,
  })
  return {
    report: buildReport(result, req.version),
    result,
    settings,
    problems: [...p.problems, ...result.problems],
    warnings: p.warnings,
    ignoredConfigKeys: p.ignoredConfigKeys,
  }
}

/** Prepares and runs an analysis in one step (no streaming outputs). */
export async function analyze(req: AnalyzeRequest): Promise<AnalyzeOutcome> {
  return runPrepared(await prepareAnalysis(req))
}
