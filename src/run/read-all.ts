import { InputError } from '../core/errors.js'
import { inputName, type Input, type InputProblem } from '../sources/inputs.js'
import { readInput, type InputReport } from '../sources/read.js'
import type { Driver } from './driver.js'

// The finite source: every input of `analyze` read once, in order, into a driver. An input that fails
// is recorded, with what was read from it before the failure, and the run goes on with the next.

/** How the inputs of a finite run went. */
export interface ReadOutcome {
  inputs: InputReport[]
  /** Inputs that could not be (fully) read: the run reports what it read, then exits 4. */
  problems: InputProblem[]
}

/** Reads every input once, in order, into `driver`; `onRawBytes` hears raw (compressed) bytes for progress. */
export async function readAll(inputs: readonly Input[], driver: Driver, onRawBytes: ((n: number) => void) | null): Promise<ReadOutcome> {
  const reports: InputReport[] = []
  const problems: InputProblem[] = []
  for (const input of inputs) {
    const name = inputName(input)
    const report: InputReport = { name, bytes: 0, gzip: false, mtime: null, lines: 0, error: null }
    driver.begin(name, null)
    try {
      await readInput(input, {
        onStart: (s) => driver.begin(name, s.mtime),
        onChunk: (chunk) => driver.push(name, chunk),
        onRawBytes: onRawBytes ?? undefined,
      }, report)
    } catch (err) {
      if (!(err instanceof InputError)) throw err
      report.error = err.message
    }
    const dropped = driver.end(name, report.error !== null)
    if (report.error !== null) {
      if (dropped > 0) report.error += `; the unfinished line at the end of what was read (${dropped} bytes) was not analysed`
      problems.push({ input: name, message: report.error })
    }
    report.lines = driver.lines(name)
    reports.push(report)
  }
  return { inputs: reports, problems }
}
