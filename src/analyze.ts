import { parseTimeSpec } from './cli/timespec.js'
import { loadConfig } from './config/load.js'
import type { ConntrackMode, Settings } from './config/settings.js'
import type { Clock } from './core/clock.js'
import { UsageError } from './core/errors.js'
import type { DangerEvent } from './detect/engine.js'
import { parseFields } from './detect/fields.js'
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

/**
 * Runs a whole analysis: configuration and signatures are loaded and validated before the first line
 * is read (a typo fails at once), then every input is read once through one engine.
 * Throws UsageError, ConfigError; input problems are returned, not thrown.
 */
export async function analyze(req: AnalyzeRequest): Promise<AnalyzeOutcome> {
  const fields = req.fields === null ? [] : parseFields(req.fields)
  const { settings, ignoredKeys } = await applyRequest(req)
  let sigs: SignatureSet | null = null
  if (settings.detection.signatures) {
    sigs = await loadSignatures(req.signatureFiles ?? [BUNDLED_SIGNATURES], { vars: settings.vars, strict: settings.signatureStrict })
  }
  const { inputs, problems } = await inputsFor(req, settings)
  const result = await runAnalysis({
    inputs,
    settings,
    signatures: sigs?.index ?? null,
    fields,
    year: req.year,
    clock: req.clock,
    maxLineLength: req.maxLineLength,
    onEvent: req.onEvent,
    onRawBytes: req.onRawBytes,
  })
  const report = buildReport(result, settings, req.version)
  return {
    report,
    result,
    settings,
    problems: [...problems, ...result.problems],
    warnings: sigs?.warnings ?? [],
    ignoredConfigKeys: ignoredKeys,
  }
}
