import { fileURLToPath } from 'node:url'
import { compileOsDatabase, type OsDatabase, type OsDatabaseFiles, type OsDatabaseOptions } from '../detect/os/database.js'
import { readConfigText, type Shape } from './read-text.js'

/** The databases shipped with portsleuth (scanner signatures live here: load them always). */
export const BUNDLED_OS_DATABASE: OsDatabaseFiles = {
  p0f: [fileURLToPath(new URL('../../signatures/os/portsleuth.fp', import.meta.url))],
  posf: [fileURLToPath(new URL('../../signatures/os/portsleuth.posf', import.meta.url))],
}

// The first line of each format (see read-text.ts: quoting files): p0f's `window:ttl:df:size:…`
// (`45046:64:0:44:M*:…`, `S4:64:1:60:…`), posf's `OS <name>;`.
const P0F_SHAPE = { test: /^(\*|%?\d+|[ST]\d+):\d+:[01*]:[^:\s]+:/, kind: 'a p0f signature', expected: "'window:ttl:df:size:options:genre:version:subtype:description'" }
const POSF_SHAPE = { test: /^OS\s+\S/, kind: "a posf 'OS <name>;' line", expected: "'OS <name>;'" }

async function read(file: string, shape: Shape): Promise<{ file: string; text: string }> {
  return { file, text: await readConfigText(file, 'OS fingerprint file', { shape }) }
}

/** Reads and compiles p0f (pf.os) and posf files; throws ConfigError on an unreadable file or bad line. */
export async function loadOsDatabase(files: OsDatabaseFiles, opts: OsDatabaseOptions = {}): Promise<OsDatabase> {
  const p0f = await Promise.all(files.p0f.map((f) => read(f, P0F_SHAPE)))
  const posf = await Promise.all(files.posf.map((f) => read(f, POSF_SHAPE)))
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
