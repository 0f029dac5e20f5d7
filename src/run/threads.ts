import { open, type FileHandle } from 'node:fs/promises'
import type { Plan } from '../config/plan.js'
import { InputError } from '../core/errors.js'
import type { ReportPart } from '../report/build.js'
import { inputName, type Input, type InputProblem } from '../sources/inputs.js'
import { readInput, type InputReport } from '../sources/read.js'
import { BlockCutter, capacityFor } from './block-cutter.js'
import { blocksOf } from './blocks.js'
import { Crew, threadsAvailable } from './crew.js'
import { BlockLedger } from './ledger.js'
import type { ReadOutcome } from './read-all.js'

export { threadsAvailable }

// A run with threads. The text of the inputs is cut into blocks (blocks.ts) and every thread splits
// its share of the blocks and analyses the lines of its share of the sources (part.ts). A plain file
// is read by the threads themselves, by byte ranges of the file this thread opened; a stream
// (standard input, the journal, a gzip file inflated by zlib off every analysis thread) is read here
// and cut into blocks (block-cutter.ts). When every line is analysed the threads agree on the one
// run-wide fact a source's record depends on (whether any TCP options were logged) and send their
// report parts; the lines' places in the inputs, known only now, are written into them.

/** Hears the run as it goes (progress): raw bytes read, and lines found. */
export interface PartsHooks {
  onRawBytes?: ((n: number) => void) | null
  onLines?: ((n: number) => void) | null
}

const GZIP_MAGIC = [0x1f, 0x8b]

/** A plain file open for reading by ranges, with what it looked like when opened. */
interface RangeFile {
  fh: FileHandle
  size: number
  mtime: number
}

// Opens a regular, uncompressed file for ranged reads; null for anything else (gzip, a pipe, a
// directory, an error), which is read as a stream and reports its own errors as a serial run would.
async function openRange(path: string): Promise<RangeFile | null> {
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch {
    return null
  }
  try {
    const st = await fh.stat()
    if (st.isFile()) {
      const head = Buffer.alloc(2)
      const { bytesRead } = await fh.read(head, 0, 2, 0)
      if (!(bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1])) return { fh, size: st.size, mtime: st.mtimeMs }
    }
  } catch {
    // read as a stream, which says what is wrong
  }
  await fh.close()
  return null
}

// A file that changed while the threads read its ranges: the ranges may not fit together.
async function changed(name: string, f: RangeFile): Promise<string | null> {
  const st = await f.fh.stat()
  if (st.size === f.size && st.mtimeMs === f.mtime) return null
  const when = (ms: number): string => new Date(ms).toISOString()
  return `${name}: changed while being read (${f.size} bytes modified ${when(f.mtime)}, then ${st.size} bytes modified ${when(st.mtimeMs)}); the report covers its first ${f.size} bytes as they were read`
}

/** The inputs of a run with threads as they are handed to the crew, and how each went. */
class Reading {
  readonly ledger = new BlockLedger()
  readonly reports: InputReport[] = []
  readonly problems: InputProblem[] = []
  readonly files: { name: string; report: InputReport; file: RangeFile }[] = []

  constructor(
    private readonly plan: Plan,
    private readonly hooks: PartsHooks,
  ) {}

  /** Announces an input (a plain file by its ranges) or reads it (a stream) into the crew's blocks. */
  async input(crew: Crew, input: Input, index: number): Promise<void> {
    const name = inputName(input)
    const report: InputReport = { name, bytes: 0, gzip: false, mtime: null, lines: 0, error: null }
    this.reports.push(report)
    const file = input.kind === 'file' ? await openRange(input.path) : null
    if (file === null) return this.stream(crew, input, index, report)
    this.files.push({ name, report, file })
    Object.assign(report, { bytes: file.size, mtime: file.mtime })
    const firstBlock = this.ledger.addRange(index, name, file.size)
    crew.announce({ index, reference: file.mtime, firstBlock, text: { kind: 'range', fd: file.fh.fd, size: file.size, blocks: blocksOf(file.size) } })
  }

  private async stream(crew: Crew, input: Input, index: number, report: InputReport): Promise<void> {
    const cutter = new BlockCutter(capacityFor(this.plan.request.maxLineLength), (text, offset) => crew.send(this.ledger.addStreamBlock(offset), index, text))
    let started = false
    try {
      await readInput(input, {
        onStart: (s) => {
          started = true
          const firstBlock = this.ledger.addStream(index, report.name)
          crew.announce({ index, reference: s.mtime ?? this.plan.request.now, firstBlock, text: { kind: 'stream' } })
        },
        onChunk: (chunk) => cutter.push(chunk),
        onRawBytes: this.hooks.onRawBytes ?? undefined,
      }, report)
    } catch (err) {
      // (A thread that failed while this input was read ends the run at the next wait on the crew.)
      if (!(err instanceof InputError)) throw err
      report.error = err.message
    }
    // What was read before a failure is analysed, but its unfinished last line, as in a serial run.
    const dropped = started ? await cutter.end(report.error !== null) : 0
    if (report.error !== null) {
      if (dropped > 0) report.error += `; the unfinished line at the end of what was read (${dropped} bytes) was not analysed`
      this.problems.push({ input: report.name, message: report.error })
    }
  }

  /** Reports the plain files that changed while they were read. */
  async checkFiles(): Promise<void> {
    for (const { name, report, file } of this.files) {
      const message = await changed(name, file)
      if (message === null) continue
      report.error = message
      this.problems.push({ input: name, message })
    }
  }

  /** Writes what only the ledger knows into the threads' parts and the input reports. */
  finish(parts: ReportPart[]): void {
    for (const part of parts) for (const m of part.malformed) m.where = this.ledger.where(m.ordinal)
    this.reports.forEach((r, index) => (r.lines = this.ledger.linesOf(index)))
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.file.fh.close()))
  }
}

/**
 * Runs the analysis on `threads` analysis threads (each compiles the run's plan) and returns their
 * report parts and how each input went. Input failures are returned; a thread that fails throws
 * InternalError naming the input and byte it was at (UsageError when it refused the configuration).
 */
export async function runParts(plan: Plan, inputs: readonly Input[], threads: number, hooks: PartsHooks = {}): Promise<ReadOutcome & { parts: ReportPart[] }> {
  const reading = new Reading(plan, hooks)
  const { ledger } = reading
  const crew = new Crew(plan.request, threads, {
    onSplit: (block, lines) => {
      ledger.setLines(block, lines)
      hooks.onLines?.(lines)
      const bytes = ledger.rangeBytes(block)
      if (bytes > 0) hooks.onRawBytes?.(bytes)
    },
    describe: (block) => ledger.describe(block),
  })
  try {
    for (const [index, input] of inputs.entries()) await reading.input(crew, input, index)
    const tcpOptionsSeen = await crew.finish(ledger.total)
    await reading.checkFiles()
    const parts = await crew.build(tcpOptionsSeen)
    reading.finish(parts)
    return { parts, inputs: reading.reports, problems: reading.problems }
  } finally {
    await crew.close()
    await reading.close()
  }
}
