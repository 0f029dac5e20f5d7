import { spawn } from 'node:child_process'
import { open } from 'node:fs/promises'
import { InputError, PortsleuthError } from '../core/errors.js'
import { systemReason } from '../core/system-error.js'
import { GzipDamage, gunzip } from './gzip.js'
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
  if (err instanceof GzipDamage) return err.message
  const e = err as NodeJS.ErrnoException
  if (e.code === 'EISDIR') return 'is a directory'
  return systemReason(err)
}

// Counts the raw bytes of a source as they arrive (compressed bytes for gzip), for the report and progress.
async function* counted(source: AsyncIterable<Buffer>, stats: ReadStats, hooks: ReadHooks): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    stats.bytes += chunk.length
    hooks.onRawBytes?.(chunk.length)
    yield chunk
  }
}

// Looks at the first bytes: gzip is recognised by its magic number (1f 8b), never by the name.
async function sniff(source: AsyncIterable<Buffer>): Promise<{ chunks: AsyncIterable<Buffer>; gzip: boolean }> {
  const it = source[Symbol.asyncIterator]()
  let head: Buffer = Buffer.alloc(0)
  let done = false
  while (head.length < 2 && !done) {
    const r = await it.next()
    if (r.done === true) done = true
    else head = head.length === 0 ? r.value : Buffer.concat([head, r.value])
  }
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    if (done) return
    for (;;) {
      const r = await it.next()
      if (r.done === true) return
      yield r.value
    }
  }
  return { chunks: replay(), gzip }
}

async function consume(source: AsyncIterable<Buffer>, stats: ReadStats, hooks: ReadHooks): Promise<void> {
  const { chunks, gzip } = await sniff(counted(source, stats, hooks))
  stats.gzip = gzip
  for await (const chunk of gzip ? gunzip(chunks) : chunks) {
    const wait = hooks.onChunk(chunk)
    if (wait) await wait
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
    // A log truncated in place while it is read (logrotate's copytruncate) simply ends early: say so.
    if (st.isFile() && stats.bytes < st.size) {
      throw new Error(`the file shrank while it was read: ${stats.bytes} of the ${st.size} bytes it had when opened were read`)
    }
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
  let code: number
  try {
    ;[code] = await Promise.all([exited, consume(child.stdout, stats, hooks)])
  } catch (err) {
    child.kill()
    throw err
  }
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
    const after = stats.bytes > 0 && !(err instanceof GzipDamage) ? ` (after ${stats.bytes} bytes)` : ''
    throw new InputError(`${stats.name}: ${errorText(err)}${after}`)
  }
  return stats
}
