import { spawn } from 'node:child_process'
import { open } from 'node:fs/promises'
import { PassThrough, Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip } from 'node:zlib'
import { InputError, PortsleuthError } from '../core/errors.js'
import { inputName, type Input, type InputProblem } from './inputs.js'

/** What was read from one input. */
export interface ReadStats {
  name: string
  /** Bytes read from the file or pipe (compressed bytes for gzip). */
  bytes: number
  gzip: boolean
  /** Modification time of a file (for year inference), null for pipes. */
  mtime: number | null
}

/** How one input went: what was read, how many lines, and the error that stopped it (null: none). */
export interface InputReport extends ReadStats {
  lines: number
  error: string | null
}

export interface ReadHooks {
  /** Called with the input's mtime (or null) before the first chunk. */
  onStart?(stats: ReadStats): void
  /** Takes one chunk; may return a promise (output backpressure) that is awaited before the next. */
  onChunk(chunk: Buffer): Promise<void> | null | void
  /** Called as raw (possibly compressed) bytes arrive, for progress. */
  onRawBytes?(n: number): void
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  if (e.code === 'ENOENT') return 'no such file or directory'
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied'
  if (e.code === 'EISDIR') return 'is a directory'
  if (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR') return `corrupt or truncated gzip data (${e.message})`
  return e.message ?? String(err)
}

// Looks at the first bytes of a stream: gzip is recognised by its magic number (1f 8b), never by name.
async function sniff(source: Readable, stats: ReadStats, hooks: ReadHooks): Promise<{ stream: Readable; gzip: boolean }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  let first = await it.next()
  let head: Buffer = first.done === true ? Buffer.alloc(0) : first.value
  while (head.length === 1 && first.done !== true) {
    first = await it.next()
    if (first.done !== true) head = Buffer.concat([head, first.value])
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) {
      stats.bytes += head.length
      hooks.onRawBytes?.(head.length)
      yield head
    }
    for (;;) {
      const r = await it.next()
      if (r.done === true) return
      stats.bytes += r.value.length
      hooks.onRawBytes?.(r.value.length)
      yield r.value
    }
  }
  return { stream: Readable.from(replay(), { objectMode: false }), gzip }
}

async function consume(source: Readable, stats: ReadStats, hooks: ReadHooks): Promise<void> {
  const { stream, gzip } = await sniff(source, stats, hooks)
  stats.gzip = gzip
  const decoder: Transform = gzip ? createGunzip({ chunkSize: 1 << 20 }) : new PassThrough({ highWaterMark: 1 << 20 })
  // A consumer that throws (an output failing) is reported as itself, not as the pipeline's abort.
  let failed: { err: unknown } | null = null
  try {
    await pipeline(stream, decoder, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        try {
          const wait = hooks.onChunk(chunk)
          if (wait) await wait
        } catch (err) {
          failed = { err }
          throw err
        }
      }
    })
  } catch (err) {
    throw failed === null ? err : (failed as { err: unknown }).err
  }
}

async function readFile(path: string, stats: ReadStats, hooks: ReadHooks): Promise<void> {
  const fh = await open(path, 'r')
  try {
    const st = await fh.stat()
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    stats.mtime = st.mtimeMs
    hooks.onStart?.(stats)
    await consume(fh.createReadStream({ highWaterMark: 1 << 20, autoClose: false }), stats, hooks)
  } finally {
    await fh.close()
  }
}

async function readJournal(input: Extract<Input, { kind: 'journal' }>, stats: ReadStats, hooks: ReadHooks): Promise<void> {
  const args = ['-k', '--no-pager', '-o', 'short-iso-precise']
  if (input.since !== null) args.push('--since', `@${Math.floor(input.since / 1000)}`)
  if (input.until !== null) args.push('--until', `@${Math.floor(input.until / 1000)}`)
  const command = process.env.PORTSLEUTH_JOURNALCTL ?? 'journalctl'
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 2000) stderr += d
  })
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code ?? 1))
  })
  hooks.onStart?.(stats)
  const reading = consume(child.stdout, stats, hooks)
  const [code] = await Promise.all([exited, reading])
  if (code !== 0) throw new Error(`journalctl exited with status ${code}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`)
}

/** Returns the report of an argument that named nothing readable (it was never opened). */
export function unreadInput(problem: InputProblem): InputReport {
  return { name: problem.input, bytes: 0, gzip: false, mtime: null, lines: 0, error: problem.message }
}

/**
 * Streams one input's bytes (gunzipped when they are gzip) to `hooks.onChunk`, counting into `stats`
 * as it goes, so that a failed input still tells how far it got. Throws InputError naming the input
 * when it is missing, unreadable or corrupt; chunks already delivered stay delivered.
 */
export async function readInput(input: Input, hooks: ReadHooks, stats: ReadStats = { name: inputName(input), bytes: 0, gzip: false, mtime: null }): Promise<ReadStats> {
  try {
    if (input.kind === 'file') await readFile(input.path, stats, hooks)
    else if (input.kind === 'stdin') {
      hooks.onStart?.(stats)
      await consume(process.stdin, stats, hooks)
    } else await readJournal(input, stats, hooks)
  } catch (err) {
    // An output that fails while lines stream into it (a full disk under the packet CSV) is not the input's fault.
    if (err instanceof PortsleuthError) throw err
    throw new InputError(`${stats.name}: ${errorText(err)}${stats.bytes > 0 ? ` (after ${stats.bytes} bytes)` : ''}`)
  }
  return stats
}
