import { constants, fstat as fstatCallback, open as openCallback } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { InputError } from '../../core/errors.js'
import type { PipeSource } from './pipe-input.js'
import { describeError } from './problem.js'

// A FIFO that syslog writes kernel lines into (psad's kmsgsd setup). It is opened read-write: the
// open does not wait for a writer, and since we hold a writing end ourselves, writers coming and
// going never cause EOF. Reads go through a libuv pipe handle (net.Socket), so they never block a
// thread-pool thread and stop() can close it at once.

const openFd = promisify(openCallback)
const fstat = promisify(fstatCallback)

/** Throws InputError unless `file` exists and is a FIFO. */
export async function checkFifo(file: string): Promise<void> {
  let st
  try {
    st = await stat(file)
  } catch (err) {
    throw new InputError(`${file}: ${describeError(err)}`, 'create it with mkfifo and point syslog at it, or follow the log file instead')
  }
  if (!st.isFIFO()) throw new InputError(`${file}: not a FIFO`, 'give --fifo a named pipe made with mkfifo; follow regular files as FILE arguments')
}

/** Returns the source for the FIFO at `file`, reopened when the path gets a new FIFO. */
export function fifoSource(file: string): PipeSource {
  let opened: { dev: number; ino: number } | null = null
  return {
    kind: 'fifo',
    endsAtEof: false,
    async open(): Promise<Readable> {
      if (!(await stat(file)).isFIFO()) throw Object.assign(new Error(`${file}: not a FIFO`), { code: 'ENOTFIFO' })
      const fd = await openFd(file, constants.O_RDWR | constants.O_NONBLOCK)
      const st = await fstat(fd)
      opened = { dev: st.dev, ino: st.ino }
      return new Socket({ fd, readable: true, writable: false })
    },
    async replaced(): Promise<boolean> {
      const st = await stat(file).catch(() => null)
      return st !== null && opened !== null && (st.dev !== opened.dev || st.ino !== opened.ino)
    },
  }
}
