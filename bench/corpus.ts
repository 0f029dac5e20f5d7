// Deterministic synthetic firewall log: the benchmark input (`npm run bench`) and the input of the
// differential check against psad (scripts/psad-diff.ts).
//
//   npx tsx bench/corpus.ts --lines 100000 --seed 1 --out FILE [--gzip] [--psad-compatible] [--sources N]
//                           [--start 2026-11-22T06:00:00Z] [--hours 6]
//
// Same arguments, same bytes: all randomness comes from a seeded generator, actors are merged by time
// with ties broken by creation order, and gzip output has no timestamp. Times are UTC; RFC 3164 lines
// carry no zone, so read the corpus with TZ=UTC (and --year) to get the times it was written with.

import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { constants, createGzip } from 'node:zlib'
import type { Writable } from 'node:stream'
import type { Actor } from './corpus-actor.js'
import { buildPopulation, type PopulationSummary } from './corpus-population.js'

export interface CorpusOptions {
  lines: number
  seed: number
  /** Distinct sources; default lines / 8 (at least 20, at most 50,000). */
  sources?: number
  /** Only what psad 2.4.6 can parse (docs/psad-model.md §7), so a comparison measures detection. */
  psadCompatible?: boolean
  /** Window start (ISO 8601, default 2026-11-22T06:00:00Z) and length in hours (default 6). */
  start?: string
  hours?: number
}

export const DEFAULT_START = '2026-11-22T06:00:00Z'
const CHUNK_LINES = 4096

/** Returns the number of sources a corpus of `lines` lines gets when none is asked for. */
export function defaultSources(lines: number): number {
  return Math.max(20, Math.min(50_000, Math.round(lines / 8)))
}

function population(o: CorpusOptions): ReturnType<typeof buildPopulation> {
  if (!Number.isInteger(o.lines) || o.lines < 1) throw new RangeError(`lines must be a positive integer, not ${o.lines}`)
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer, not ${o.seed}`)
  const startMs = Date.parse(o.start ?? DEFAULT_START)
  if (Number.isNaN(startMs)) throw new RangeError(`start '${o.start}' is not an ISO 8601 time`)
  const hours = o.hours ?? 6
  if (!(hours > 0)) throw new RangeError(`hours must be positive, not ${hours}`)
  const sources = o.sources ?? defaultSources(o.lines)
  if (!Number.isInteger(sources) || sources < 1) throw new RangeError(`sources must be a positive integer, not ${sources}`)
  return buildPopulation({ lines: o.lines, seed: o.seed, sources, psadCompatible: o.psadCompatible ?? false, startMs, spanUs: Math.round(hours * 3600e6) })
}

// A binary min-heap of actor indices ordered by (next time, index): the merge is a pure function of
// the actors, so equal times always come out in the same order. Times are mirrored in a typed array so
// the sift loop touches no objects.
class Merger {
  private readonly heap: Int32Array
  private readonly time: Float64Array
  private size = 0

  constructor(private readonly actors: readonly Actor[]) {
    this.heap = new Int32Array(actors.length)
    this.time = new Float64Array(actors.length)
    actors.forEach((a, i) => {
      this.time[i] = a.t
      if (a.left > 0) this.heap[this.size++] = i
    })
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.down(i)
  }

  /** Appends up to `max` lines to `out`; returns how many. */
  fill(out: string[], max: number): number {
    const heap = this.heap
    let n = 0
    while (n < max && this.size > 0) {
      const top = heap[0]!
      const actor = this.actors[top]!
      out.push(actor.emit())
      n++
      if (actor.left === 0) heap[0] = heap[--this.size]!
      else this.time[top] = actor.t
      if (this.size > 0) this.down(0)
    }
    return n
  }

  private down(i: number): void {
    const heap = this.heap
    const time = this.time
    const n = this.size
    const item = heap[i]!
    const t = time[item]!
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      let c = l
      let cItem = heap[l]!
      let ct = time[cItem]!
      if (l + 1 < n) {
        const rItem = heap[l + 1]!
        const rt = time[rItem]!
        if (rt < ct || (rt === ct && rItem < cItem)) {
          c = l + 1
          cItem = rItem
          ct = rt
        }
      }
      if (ct > t || (ct === t && cItem > item)) break
      heap[i] = cItem
      i = c
    }
    heap[i] = item
  }
}

/** Yields the corpus as text chunks of whole lines (each ending in a newline). Throws RangeError on bad options. */
export function* corpusChunks(o: CorpusOptions): Generator<string> {
  const merger = new Merger(population(o).actors)
  const lines: string[] = []
  while (merger.fill(lines, CHUNK_LINES) > 0) {
    lines.push('')
    yield lines.join('\n')
    lines.length = 0
  }
}

/** Returns every line of a corpus (for tests and small corpora). Throws RangeError on bad options. */
export function generateCorpus(o: CorpusOptions): string[] {
  const lines: string[] = []
  new Merger(population(o).actors).fill(lines, Infinity)
  return lines
}

/** Returns who is in a corpus (kinds of scanners and background senders, line shares). */
export function describeCorpus(o: CorpusOptions): PopulationSummary {
  return population(o).summary
}

// Resolves when `out` can take more, or when either stream failed (the failure is recorded elsewhere).
function drained(out: Writable, sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done)
      out.off('error', done)
      sink.off('error', done)
      resolve()
    }
    out.once('drain', done)
    out.once('error', done)
    sink.once('error', done)
  })
}

/** Writes a corpus to `file` ('-' for stdout), gzip-compressed when asked; resolves with the bytes of text. Rejects on write errors. */
export async function writeCorpus(o: CorpusOptions, file: string, gzip = false): Promise<number> {
  const sink: Writable = file === '-' ? process.stdout : createWriteStream(file)
  let out: Writable = sink
  if (gzip) {
    const z = createGzip({ level: constants.Z_BEST_SPEED })
    z.pipe(sink)
    out = z
  }
  // A closed pipe (`| head`) ends the output early; that is not an error.
  let failure: NodeJS.ErrnoException | null = null
  const onError = (err: NodeJS.ErrnoException): void => {
    failure ??= err
  }
  out.on('error', onError)
  sink.on('error', onError)
  let bytes = 0
  for (const chunk of corpusChunks(o)) {
    if (failure !== null) break
    bytes += chunk.length // the corpus is ASCII
    if (!out.write(chunk, 'latin1')) await drained(out, sink)
  }
  const stopped = failure as NodeJS.ErrnoException | null
  if (stopped !== null) {
    if (stopped.code === 'EPIPE') return bytes
    throw stopped
  }
  out.end()
  if (sink !== process.stdout) await once(sink, 'finish')
  return bytes
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: '-' },
      gzip: { type: 'boolean', default: false },
      'psad-compatible': { type: 'boolean', default: false },
      sources: { type: 'string' },
      start: { type: 'string' },
      hours: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write('usage: tsx bench/corpus.ts --lines N --seed S --out FILE|- [--gzip] [--psad-compatible] [--sources N] [--start ISO] [--hours H]\n')
    return
  }
  const opts: CorpusOptions = {
    lines: Number(values.lines),
    seed: Number(values.seed),
    psadCompatible: values['psad-compatible'],
    ...(values.sources === undefined ? {} : { sources: Number(values.sources) }),
    ...(values.start === undefined ? {} : { start: values.start }),
    ...(values.hours === undefined ? {} : { hours: Number(values.hours) }),
  }
  const t0 = performance.now()
  const bytes = await writeCorpus(opts, values.out, values.gzip)
  const s = (performance.now() - t0) / 1000
  process.stderr.write(`corpus: ${opts.lines} lines, ${(bytes / 1e6).toFixed(1)} MB of text in ${s.toFixed(2)} s -> ${values.out}\n`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`corpus: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 2
  })
}
