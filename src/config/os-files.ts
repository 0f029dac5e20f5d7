import { fileURLToPath } from 'node:url'
import { compileOsDatabase, type OsDatabase, type OsDatabaseFiles, type OsDatabaseOptions } from '../detect/os/database.js'
import { readConfigText } from './read-text.js'

/** The databases shipped with portsleuth (scanner signatures live here: load them always). */
export const BUNDLED_OS_DATABASE: OsDatabaseFiles = {
  p0f: [fileURLToPath(new URL('../../signatures/os/portsleuth.fp', import.meta.url))],
  posf: [fileURLToPath(new URL('../../signatures/os/portsleuth.posf', import.meta.url))],
}

async function read(file: string): Promise<{ file: string; text: string }> {
  return { file, text: await readConfigText(file, 'OS fingerprint file') }
}

/** Reads and compiles p0f (pf.os) and posf files; throws ConfigError on an unreadable file or bad line. */
export async function loadOsDatabase(files: OsDatabaseFiles, opts: OsDatabaseOptions = {}): Promise<OsDatabase> {
  const p0f = await Promise.all(files.p0f.map(read))
  const posf = await Promise.all(files.posf.map(read))
  return compileOsDatabase({ p0f, posf }, opts)
}

// `--os-db FILE` names psad's or p0f's files; which format a file is in is read from its content:
// posf files are blocks of `OS <name>;` statements, p0f files colon-separated signature lines.

async function isPosf(file: string): Promise<boolean> {
  return /^\s*OS\s+\S/m.test(await readConfigText(file, 'OS fingerprint file'))
}

/**
 * Loads the bundled fingerprints (which hold the scanner signatures) plus the user's files. User files
 * load leniently — psad's own posf lacks some `;` — with their problems returned as warnings.
 * Throws ConfigError for an unreadable file or a syntax error.
 */
export async function loadFingerprints(userFiles: readonly string[]): Promise<OsDatabase> {
  const p0f = [...BUNDLED_OS_DATABASE.p0f]
  const posf = [...BUNDLED_OS_DATABASE.posf]
  for (const file of userFiles) ((await isPosf(file)) ? posf : p0f).push(file)
  return loadOsDatabase({ p0f, posf }, { strict: userFiles.length === 0 })
}
