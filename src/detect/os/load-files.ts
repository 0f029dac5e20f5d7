import { BUNDLED_OS_DATABASE, loadOsDatabase, type OsDatabase } from './database.js'
import { readConfigText } from '../../config/read-text.js'

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
