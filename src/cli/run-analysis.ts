import { prepareAnalysis, runPrepared, type AnalyzeOutcome, type AnalyzeRequest } from '../analyze.js'
import { Outputs, type HtmlRenderer, type OutputRequest } from '../report/outputs.js'

// The part of analyze/report between flags and exit code: prepare (config, signatures, inputs),
// open every output (unwritable paths fail before reading), run once, render everything.

export interface CommandRun {
  outcome: AnalyzeOutcome
  notes: string[]
}

/** Runs an analysis into its outputs; on any error the temporary output files are removed. */
export async function runToOutputs(req: AnalyzeRequest, outputReq: (configUserId: string) => OutputRequest, html: HtmlRenderer): Promise<CommandRun> {
  const prepared = await prepareAnalysis(req)
  const outputs = Outputs.create(outputReq(prepared.settings.dshieldUserId))
  try {
    const outcome = await runPrepared(prepared, {
      extraFields: outputs.packetCriteria(),
      onPacket: outputs.sink(),
      afterChunk: () => outputs.drain(),
    })
    await outputs.finish(outcome.report, html)
    return { outcome, notes: outputs.notes() }
  } catch (err) {
    outputs.abort()
    throw err
  }
}
