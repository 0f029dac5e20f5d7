import { readFile } from 'node:fs/promises'
import { ConfigError } from '../core/errors.js'

/**
 * Returns the UTF-8 text of a file the configuration names. Throws ConfigError (exit 3) saying which
 * kind of file (`what`, e.g. "auto_dl file"), its path and the system's reason (ENOENT, EACCES, …).
 */
export async function readConfigText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
}
