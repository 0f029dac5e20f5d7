import { chmod, unlink } from 'node:fs/promises'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { EXIT, InputError, PortsleuthError } from '../core/errors.js'

// The watcher's control socket: a Unix stream socket in the state directory (mode 0600, so only the
// watcher's user — root or the service user — can talk to it) that `portsleuth status` and
// `portsleuth block` use. One request per connection: a JSON object on one line; one JSON answer
// back, then the socket closes. psad's equivalent was a datagram socket for block commands only.

export const SOCKET_NAME = 'control.sock'

/** Requests larger than this are refused (the socket is local, but the bytes are still input). */
const MAX_REQUEST = 64 * 1024

/** A request: `op` names what is asked; the rest are its arguments. */
export interface ControlRequest {
  op: string
  [arg: string]: unknown
}

/** An answer: ok with a result, or an error with its message (and the exit status it means). */
export type ControlAnswer = { ok: true; result: unknown } | { ok: false; error: string; exit: number }

export type ControlHandler = (req: ControlRequest) => Promise<unknown>

/** No watcher answers on the socket (none runs, or it is not ours to reach). */
export class NoWatcherError extends PortsleuthError {
  constructor(message: string) {
    super(message, 'no-watcher', EXIT.noWatcher)
  }
}

function parseRequest(text: string): ControlRequest {
  const req = JSON.parse(text) as unknown
  if (typeof req !== 'object' || req === null || typeof (req as ControlRequest).op !== 'string') throw new Error('a request is a JSON object with an "op"')
  return req as ControlRequest
}

function answer(socket: Socket, a: ControlAnswer): void {
  socket.end(`${JSON.stringify(a)}\n`)
}

function serve(socket: Socket, handle: ControlHandler): void {
  let buf = ''
  socket.setEncoding('utf8')
  socket.on('error', () => socket.destroy())
  socket.on('data', (chunk: string) => {
    buf += chunk
    if (buf.length > MAX_REQUEST) {
      answer(socket, { ok: false, error: 'request too large', exit: 2 })
      socket.removeAllListeners('data')
      return
    }
    const nl = buf.indexOf('\n')
    if (nl < 0) return
    socket.removeAllListeners('data')
    let req: ControlRequest
    try {
      req = parseRequest(buf.slice(0, nl))
    } catch (err) {
      answer(socket, { ok: false, error: `bad request: ${(err as Error).message}`, exit: 2 })
      return
    }
    handle(req).then(
      (result) => answer(socket, { ok: true, result }),
      (err: unknown) => answer(socket, { ok: false, error: (err as Error).message, exit: err instanceof PortsleuthError ? err.exit : 70 }),
    )
  })
}

/** Resolves true when something accepts connections on the socket at `path`. */
function alive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection(path)
    c.once('connect', () => {
      c.destroy()
      resolve(true)
    })
    c.once('error', () => resolve(false))
  })
}

/** The listening control socket of a running watcher. */
export class ControlServer {
  private constructor(
    private readonly server: Server,
    readonly path: string,
  ) {}

  /**
   * Listens on `path` (mode 0600). A stale socket left by a watcher that died is replaced; a live one
   * means another watcher uses this state directory: InputError (exit 4).
   */
  static async listen(path: string, handle: ControlHandler): Promise<ControlServer> {
    if (await alive(path)) throw new InputError(`another watcher is running on ${path}`, 'stop it first, or give this one its own --state-dir')
    await unlink(path).catch(() => undefined)
    const server = createServer((socket) => serve(socket, handle))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, () => {
        server.off('error', reject)
        resolve()
      })
    })
    await chmod(path, 0o600)
    return new ControlServer(server, path)
  }

  /** Stops listening and removes the socket file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    await unlink(this.path).catch(() => undefined)
  }
}

/**
 * Sends one request to the watcher listening at `path` and returns its result. Throws NoWatcherError
 * when none answers; the watcher's own errors come back as PortsleuthError with their exit status.
 */
export function controlRequest(path: string, req: ControlRequest, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let buf = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new NoWatcherError(`the watcher at ${path} did not answer within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${JSON.stringify(req)}\n`))
    socket.on('data', (d: string) => (buf += d))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const none = err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
      reject(none ? new NoWatcherError(`no watcher is running (nothing listens on ${path})`) : new NoWatcherError(`cannot reach the watcher at ${path}: ${err.code ?? err.message}`))
    })
    socket.on('end', () => {
      clearTimeout(timer)
      try {
        const a = JSON.parse(buf) as ControlAnswer
        if (a.ok) resolve(a.result)
        else reject(new PortsleuthError(a.error, 'watcher', a.exit))
      } catch {
        reject(new NoWatcherError(`the watcher at ${path} sent no answer`))
      }
    })
  })
}
