import { stat } from 'node:fs/promises'
import type { Clock } from '../core/clock.js'
import type { Input } from '../sources/inputs.js'
import type { RunProgress } from '../run/batch.js'

// A one-line progress display on stderr for long runs: bytes read of the total (compressed bytes for
// gzip, so it matches the file sizes), accepted packets per second, and an ETA when the total is
// known. Hand-rolled rather than cli-progress: that library runs its own timer and reads Date.now()
// for rate and ETA, so it could not take our Clock and its throttle could not be tested without
// real waiting; what we draw is one line.

/** The part of a stream the display needs (process.stderr in production, a fake in tests). */
export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(chunk: string): boolean
}

export interface ProgressOptions {
  /** Total bytes to read, or null when unknown (standard input, the journal). */
  total: number | null
  /** At most one redraw per this many ms. */
  intervalMs?: number
  /** Nothing is drawn before the run is this old, so short runs never flash a bar. */
  delayMs?: number
}

/** Returns true when a progress display belongs on `stream`: a terminal, not TERM=dumb, not --no-progress. */
export function progressWanted(stream: Pick<ProgressStream, 'isTTY'>, enabled: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return enabled && stream.isTTY === true && env.TERM !== 'dumb'
}

/** Returns the sum of the input file sizes, or null when an input has no size (stdin, journal, unstat-able). */
export async function totalBytes(inputs: readonly Input[]): Promise<number | null> {
  let total = 0
  for (const input of inputs) {
    if (input.kind !== 'file') return null
    try {
      total += (await stat(input.path)).size
    } catch {
      return null // reading it will fail and be reported; the display just loses its ETA
    }
  }
  return total
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB']

/** Returns a byte count in decimal units with three significant digits (`12.3 MB`). */
export function formatBytes(n: number): string {
  let i = 0
  let v = n
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000
    i++
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[i]}`
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(s / 3600)
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0')
  const ss = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`
}

/** One progress line: redrawn on incoming bytes, at most every intervalMs and not before delayMs. */
export class Progress {
  private bytesRead = 0
  private linesSeen = 0
  private readonly started: number
  private lastDraw = -Infinity
  private drawn = false
  private readonly intervalMs: number
  private readonly delayMs: number

  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: Clock,
    private readonly opts: ProgressOptions,
  ) {
    this.started = clock.now()
    this.intervalMs = opts.intervalMs ?? 250
    this.delayMs = opts.delayMs ?? 500
  }

  /** Counts raw bytes read and redraws when the throttle allows. */
  bytes(n: number): void {
    this.bytesRead += n
    const now = this.clock.now()
    if (now - this.started < this.delayMs || now - this.lastDraw < this.intervalMs) return
    this.lastDraw = now
    this.draw(now)
  }

  /** Counts lines read (cheap: no clock, no drawing). */
  lines(n: number): void {
    this.linesSeen += n
  }

  /** Erases the line if anything was drawn; the display can be resumed by later bytes. */
  clear(): void {
    if (!this.drawn) return
    this.stream.write('\r\u001b[2K')
    this.drawn = false
  }

  /** Returns the line as it would be drawn at `now`, fitted to `width` columns (the bar goes first when narrow). */
  line(now: number, width: number): string {
    const secs = Math.max(0.001, (now - this.started) / 1000)
    const rate = this.bytesRead / secs
    const total = this.opts.total !== null && this.opts.total > 0 ? this.opts.total : null
    const frac = total === null ? 0 : Math.min(1, this.bytesRead / total)
    const parts: string[] = []
    if (total !== null) parts.push(`${String(Math.floor(frac * 100)).padStart(3)}%`, `${formatBytes(this.bytesRead)} / ${formatBytes(total)}`)
    else parts.push(`${formatBytes(this.bytesRead)} read`)
    parts.push(`${formatBytes(Math.round(rate))}/s`, `${Math.round(this.linesSeen / secs)} lines/s`)
    if (total !== null && rate > 0) parts.push(`ETA ${formatDuration(((total - Math.min(total, this.bytesRead)) / rate) * 1000)}`)
    let text = parts.join('  ')
    const room = Math.min(30, width - 1 - text.length - 3) // "[", "] ", and the last column stays free
    if (total !== null && room >= 10) {
      const filled = Math.round(frac * room)
      text = `[${'#'.repeat(filled)}${'.'.repeat(room - filled)}] ${text}`
    }
    return text.length < width ? text : text.slice(0, Math.max(0, width - 1))
  }

  private draw(now: number): void {
    // A pty without a size reports 0 columns.
    this.stream.write(`\r\u001b[2K${this.line(now, this.stream.columns || 80)}`)
    this.drawn = true
  }
}

/**
 * Returns the progress hooks for runToOutputs, or null when no display is wanted (not a terminal,
 * TERM=dumb, --no-progress). NO_COLOR does not matter: the display has no colour.
 */
export function runProgress(stream: ProgressStream, clock: Clock, enabled: boolean, env: Readonly<Record<string, string | undefined>>): RunProgress | null {
  if (!progressWanted(stream, enabled, env)) return null
  let bar: Progress | null = null
  return {
    start: async (inputs) => {
      bar = new Progress(stream, clock, { total: await totalBytes(inputs) })
    },
    bytes: (n) => bar?.bytes(n),
    lines: (n) => bar?.lines(n),
    stop: () => bar?.clear(),
  }
}
