// Short words for system errors, as users read them in diagnostics and status.

/** Returns a short description of a system error: 'no such file or directory', 'permission denied' … */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
    case 'ENOTREG':
      return 'not a regular file'
    case 'ENOTFIFO':
      return 'not a FIFO'
    case 'ENOTDIR':
      return 'a component of the path is not a directory'
    default:
      return e.code !== undefined ? `${e.code}: ${e.message}` : String(e?.message ?? err)
  }
}
