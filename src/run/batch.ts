import { compilePlan, type Plan, type PlanRequest } from '../config/plan.js'
import { UsageError } from '../core/errors.js'
import type { DangerEvent } from '../detect/engine.js'
import { buildReport } from '../report/build.js'
import type { ReportV1 } from '../report/model.js'
import { Outputs, type HtmlRenderer, type OutputRequest } from '../report/outputs.js'
import type { Enricher } from '../respond/enrich-net.js'
import { resolveInputs, type Input, type InputProblem } from '../sources/inputs.js'
import { unreadInput } from '../sources/read.js'
import { systemLog } from '../sources/system-log.js'
import { runAnalysis } from './analysis.js'

// A batch run, what `analyze` and `report` do between flags and exit code: compile the plan (config,
// signatures, lists), resolve the inputs, open every output (unwritable paths fail before reading),
// analyse once, enrich (--dns/--whois), render everything.

/** Everything a batch run was asked to do, already typed (the command only parses flags). */
export interface BatchRequest {
  plan: PlanRequest
  files: readonly string[]
  journal: boolean
  /** Threads analysing file inputs together (0 or 1: one); undefined: chosen by input size and CPUs. */
  threads: number | undefined
  version: string
}

/** A live display of the run (progress on stderr); stopped before any report is written. */
export interface RunProgress {
  /** Called once the inputs are known, before the first byte is read. */
  start(inputs: readonly Input[]): Promise<void>
  bytes(n: number): void
  lines(n: number): void
  stop(): void
}

/** What a batch run writes to besides its result; every part is optional. */
export interface BatchHooks {
  /** The outputs to open, given the configuration's DShield id; none when absent (a report only mailed). */
  outputs?: ((dshieldUserId: string) => OutputRequest) | null
  html?: HtmlRenderer
  progress?: RunProgress | null
  enrich?: Enricher | null
  onEvent?: ((e: DangerEvent) => void) | null
}

export interface BatchOutcome {
  report: ReportV1
  plan: Plan
  /** Inputs that could not be (fully) read: the run reports what it read, then exits 4. */
  problems: InputProblem[]
  /** Notes for stderr from enrichment and the outputs. */
  notes: string[]
}

async function inputsFor(req: BatchRequest, plan: Plan): Promise<{ inputs: Input[]; problems: InputProblem[] }> {
  const { since, until } = plan.settings.filters
  if (req.journal) {
    if (req.files.length > 0) throw new UsageError('give either FILE arguments or --journal, not both')
    return { inputs: [{ kind: 'journal', since, until }], problems: [] }
  }
  if (req.files.length === 0) return { inputs: [await systemLog(since, until)], problems: [] }
  return resolveInputs(req.files)
}

const noHtml: HtmlRenderer = async () => {
  throw new UsageError('HTML output is not available here')
}

/**
 * Compiles the plan and resolves the inputs before the first line is read (a typo fails at once),
 * then analyses into the outputs. Throws UsageError, ConfigError, InputError; on any error the
 * temporary output files are removed. Input failures during the read are returned in `problems`.
 */
export async function runBatch(req: BatchRequest, hooks: BatchHooks = {}): Promise<BatchOutcome> {
  const plan = await compilePlan(req.plan)
  const { inputs, problems } = await inputsFor(req, plan)
  const outputs = hooks.outputs == null ? null : Outputs.create(hooks.outputs(plan.settings.dshieldUserId))
  const progress = hooks.progress ?? null
  try {
    await progress?.start(inputs)
    const result = await runAnalysis(plan, inputs, req.threads, {
      onEvent: hooks.onEvent,
      onPacket: outputs?.sink() ?? null,
      onRawBytes: progress === null ? null : (n) => progress.bytes(n),
      onLines: progress === null ? null : (n) => progress.lines(n),
      afterChunk: outputs === null ? null : () => outputs.drain(),
    })
    progress?.stop()
    // Arguments that named nothing readable are inputs of the report too, with their error.
    const { since, until } = plan.settings.filters
    const analysed = buildReport({ ...result, inputs: [...problems.map(unreadInput), ...result.inputs] }, req.version, { since, until })
    const enriched = hooks.enrich == null ? null : await hooks.enrich(analysed)
    const report = enriched?.report ?? analysed
    await outputs?.finish(report, hooks.html ?? noHtml)
    return { report, plan, problems: [...problems, ...result.problems], notes: [...(enriched?.notes ?? []), ...(outputs?.notes() ?? [])] }
  } catch (err) {
    progress?.stop()
    outputs?.abort()
    throw err
  }
}
