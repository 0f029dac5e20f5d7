import { parseTimeSpec } from './cli/timespec.js'
import { loadConfig } from './config/load.js'
import type { ConntrackMode, Settings } from './config/settings.js'
import type { Clock } from './core/clock.js'
import { UsageError } from './core/errors.js'
import type { DangerEvent } from './detect/engine.js'
import type { PacketSink } from './detect/analyzer.js'
import { parseFields, type FieldCriterion } from './detect/fields.js'
import { loadFingerprints } from './detect/os/load-files.js'
import type { OsDatabase } from './detect/os/index.js'
import { BUNDLED_SIGNATURES, loadSignatures, type SignatureSet } from './detect/signatures/load.js'
import { parseNetwork } from './parse/address.js'
import { runAnalysis, type AnalysisResult } from './pipeline.js'
import { buildReport } from './report/build.js'
import type { ReportV1 } from './report/model.js'
import { resolveInputs, type Input, type InputProblem } from './sources/inputs.js'
import { systemLog } from './sources/system-log.js'

/** Everything `portsleuth analyze` was asked to do, already typed (the command only parses flags). */
export interface AnalyzeRequest {
  files: readonly string[]
  journal: boolean
  configFile: string | null
  /** null: the bundled set. */
  signatureFiles: readonly string[] | null
  signatures: boolean
  /** Extra p0f/posf files (psad's pf.os, posf, or p0f's); the bundled ones are always loaded. */
  osFiles: readonly string[]
  os: boolean
  since: string | null
  until: string | null
  year: number | undefined
  restrictIp: readonly string[]
  fields: string | null
  conntrack: ConntrackMode | undefined
  icmpValidation: boolean
  minDangerLevel: number | undefined
  maxLineLength: number
  version: string
  clock: Clock
  onEvent?: (e: DangerEvent) => void
  onRawBytes?: (n: number) => void
}

export interface AnalyzeOutcome {
  report: ReportV1
  result: AnalysisResult
  settings: Settings
  /** Inputs that could not be (fully) read: the run reports what it read, then exits 4. */
  problems: InputProblem[]
  /** Non-fatal notes for stderr (skipped signature rules, ignored config keys with --verbose). */
  warnings: string[]
  ignoredConfigKeys: string[]
}

async function applyRequest(req: AnalyzeRequest): Promise<{ settings: Settings; ignoredKeys: string[] }> {
  const { settings, ignoredKeys } = await loadConfig(req.configFile)
  const now = req.clock.now()
  const since = req.since === null ? null : parseTimeSpec(req.since, now, '--since')
  const until = req.until === null ? null : parseTimeSpec(req.until, now, '--until')
  if (since !== null && until !== null && until <= since) throw new UsageError(`--until (${req.until}) is not after --since (${req.since})`)
  const restrictIp = req.restrictIp.map((text) => {
    const net = parseNetwork(text)
    if (net === null) throw new UsageError(`--restrict-ip: '${text}' is not an IPv4/IPv6 address or network`)
    return net
  })
  settings.filters = { ...settings.filters, since, until, restrictIp: [...settings.filters.restrictIp, ...restrictIp] }
  settings.detection = {
    ...settings.detection,
    conntrack: req.conntrack ?? settings.detection.conntrack,
    minDangerLevel: req.minDangerLevel ?? settings.detection.minDangerLevel,
    icmp: settings.detection.icmp && req.icmpValidation,
    icmp6: settings.detection.icmp6 && req.icmpValidation,
    signatures: settings.detection.signatures && req.signatures,
    os: settings.detection.os && req.os,
  }
  return { settings, ignoredKeys }
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
export interface PreparedAnalysis {
  req: AnalyzeRequest
  settings: Settings
  fields: FieldCriterion[]
  signatures: SignatureSet | null
  os: OsDatabase | null
  inputs: Input[]
  problems: InputProblem[]
  ignoredConfigKeys: string[]
}

/**
 * Loads and validates configuration, criteria and signatures and resolves the inputs, before the
 * first line is read (a typo fails at once). Throws UsageError, ConfigError, InputError (no kernel log).
 */
export async function prepareAnalysis(req: AnalyzeRequest): Promise<PreparedAnalysis> {
  const fields = req.fields === null ? [] : parseFields(req.fields)
  const { settings, ignoredKeys } = await applyRequest(req)
  let signatures: SignatureSet | null = null
  if (settings.detection.signatures) {
    signatures = await loadSignatures(req.signatureFiles ?? [BUNDLED_SIGNATURES], { vars: settings.vars, strict: settings.signatureStrict })
  }
  const os = settings.detection.os ? await loadFingerprints(req.osFiles) : null
  const { inputs, problems } = await inputsFor(req, settings)
  return { req, settings, fields, signatures, os, inputs, problems, ignoredConfigKeys: ignoredKeys }
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
    settings,
    signatures: p.signatures?.index ?? null,
    os: p.os,
    fields: [...p.fields, ...(hooks.extraFields ?? [])],
    year: req.year,
    clock: req.clock,
    maxLineLength: req.maxLineLength,
    onEvent: req.onEvent,
    onRawBytes: req.onRawBytes,
    onPacket: hooks.onPacket ?? undefined,
    afterChunk: hooks.afterChunk,
  })
  return {
    report: buildReport(result, settings, req.version),
    result,
    settings,
    problems: [...p.problems, ...result.problems],
    warnings: [...(p.signatures?.warnings ?? []), ...(p.os?.warnings ?? [])],
    ignoredConfigKeys: p.ignoredConfigKeys,
  }
}

/** Prepares and runs an analysis in one step (no streaming outputs). */
export async function analyze(req: AnalyzeRequest): Promise<AnalyzeOutcome> {
  return runPrepared(await prepareAnalysis(req))
}
