import { parseP0f } from './p0f-grammar.js'
import { P0fIndex } from './p0f-index.js'
import { parsePosf } from './posf-grammar.js'
import type { P0fEntry, PosfEntry } from './types.js'

/** Files of each kind, in load order (which breaks ties between equally good matches). */
export interface OsDatabaseFiles {
  p0f: readonly string[]
  posf: readonly string[]
}

export interface OsDatabaseOptions {
  /** A posf statement without `;` is an error (default) or, when false, a warning. */
  strict?: boolean
}

/** A compiled fingerprint database; build one per run and share it between sources. */
export interface OsDatabase {
  readonly files: OsDatabaseFiles
  readonly p0f: P0fIndex
  readonly p0fEntries: readonly P0fEntry[]
  /** Scanner (`*`) entries first, then file order. */
  readonly posfEntries: readonly PosfEntry[]
  /** Problems that did not stop loading, each naming file:line. */
  readonly warnings: readonly string[]
}

/** Builds a database from file texts; throws ConfigError naming file:line on any syntax error. */
export function compileOsDatabase(
  texts: { p0f: ReadonlyArray<{ file: string; text: string }>; posf: ReadonlyArray<{ file: string; text: string }> },
  opts: OsDatabaseOptions = {},
): OsDatabase {
  const strict = opts.strict ?? true
  const warnings: string[] = []
  const p0fEntries: P0fEntry[] = []
  for (const { file, text } of texts.p0f) {
    const loaded = parseP0f(text, file)
    p0fEntries.push(...loaded.entries)
    warnings.push(...loaded.warnings)
  }
  const posf: PosfEntry[] = []
  for (const { file, text } of texts.posf) {
    const loaded = parsePosf(text, file, { strict })
    posf.push(...loaded.entries)
    warnings.push(...loaded.warnings)
  }
  const posfEntries = [...posf.filter((e) => e.scanner), ...posf.filter((e) => !e.scanner)]
  return {
    files: { p0f: texts.p0f.map((t) => t.file), posf: texts.posf.map((t) => t.file) },
    p0f: new P0fIndex(p0fEntries),
    p0fEntries,
    posfEntries,
    warnings,
  }
}
