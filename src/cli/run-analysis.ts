import { prepareAnalysis, runPrepared, type AnalyzeOutcome, type AnalyzeRequest } from '../analyze.js'
import { Outputs, type HtmlRenderer, type OutputRequest } from '../report/outputs.js'
import type { Enricher } from '../respond/enrich-net.js'
import type { Input } from '../sources/inputs.js'

// The part of analyze/report between flags and exit code: prepare (config, signatures, inputs),
// open every output (unwritable paths fail before reading), run once, enrich (--dns/--whois), render
// everything.

export interface CommandRun {
  outcome: AnalyzeOutcome
  notes: string[]
}

/** A live display of the run (progress on stderr); stopped before any report is written. */
export interface RunProgress {
  /** Called once the inputs are known, before the first byte is read. */
  start(inputs: readonly Input[]): Promise<void>
  bytes(n: number): void
  lines(n: number): void
  stop(): void
}

/**
 * Runs an analysis into its outputs (none when `outputReq` is null, e.g. a report that is only
 * mailed); on any error the temporary output files are removed.
 */
export async function runToOutputs(
  req: AnalyzeRequest,
  outputReq: ((configUserId: string) => OutputRequest) | null,
  html: HtmlRenderer,
  progress: RunProgress | null = null,
  enrich: Enricher | null = null,
): Promise<CommandRun> {
  const onRawBytes = (n: number): void => {
    req.onRawBytes?.(n)
    progress?.bytes(n)
  }
  const onLines = (n: number): void => {
    req.onLines?.(n)
    progress?.lines(n)
  }
  const prepared = await prepareAnalysis(progress === null ? req : { ...req, onRawBytes, onLines })
  const outputs = outputReq === null ? null : Outputs.create(outputReq(prepared.settings.dshieldUserId))
  try {
    await progress?.start(prepared.inputs)
    const analysed = await runPrepared(prepared, {
      extraFields: outputs?.packetCriteria() ?? [],
      onPacket: outputs?.sink() ?? null,
      afterChunk: () => outputs?.drain() ?? null,
    })
    progress?.stop()
    const enriched = enrich === null ? null : await enrich(analysed.report)
    const outcome = enriched === null ? analysed : { ...analysed, report: enriched.report }
    await outputs?.finish(outcome.report, html)
    return { outcome, notes: [...(enriched?.notes ?? []), ...(outputs?.notes() ?? [])] }
  } catch (err) {
    progress?.stop()
    outputs?.abort()
    throw err
  }
}
