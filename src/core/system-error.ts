import { getSystemErrorMap } from 'node:util'

// The system's own wording for a failed system call, so every message about a file says the same
// thing `ls` or `cp` would: "no space left on device", not "ENOSPC" or a stack trace.

// libuv's table lacks a few Linux errors a writer meets.
const LINUX_EXTRA: Record<number, string> = { [-122]: 'disk quota exceeded' }

/** Returns the lower-case reason of a system error (ENOSPC: 'no space left on device'), else its message. */
export function systemReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  if (typeof e?.errno === 'number') {
    const known = getSystemErrorMap().get(e.errno)?.[1] ?? LINUX_EXTRA[e.errno]
    if (known !== undefined) return known
  }
  if (typeof e?.code === 'string' && e.code !== '') return e.code
  return e instanceof Error ? e.message : String(err)
}
