import { at, ConfigError } from '../core/errors.js'
import { PSAD_KEYS } from './psad-keys.js'
import { nearest } from '../core/nearest.js'
import { excerpt } from '../core/excerpt.js'

// psad.conf syntax: `NAME value;` per line, anything after the first ';' is a comment, '#' starts a
// comment line, `$NAME` refers to another variable. psad keeps the first definition of a variable;
// FW_MSG_SEARCH and REPUTATION_FEED may repeat and accumulate.

/** One `KEY value;` line of a psad-format configuration file. */
export interface ConfEntry {
  key: string
  value: string
  file: string
  line: number
}

const REPEATABLE = new Set(['FW_MSG_SEARCH', 'REPUTATION_FEED'])

/** Returns the known key closest to `key` (for "did you mean"), or null when none is close. */
export function nearestKey(key: string, known: Iterable<string>): string | null {
  return nearest(key.toUpperCase(), known)
}

/**
 * Parses psad.conf text (or another file of the same syntax whose keys are `known`). Throws
 * ConfigError naming file:line for a syntax error or an unknown key.
 */
export function parsePsadConf(text: string, file: string, known: ReadonlySet<string> = PSAD_KEYS): ConfEntry[] {
  const entries: ConfEntry[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '' || raw.startsWith('#')) continue
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(raw)
    if (m === null) throw new ConfigError(at(file, i + 1, `expected 'NAME value;' but found '${excerpt(raw)}'`))
    const key = m[1]!
    const rest = m[2]!
    const semi = rest.indexOf(';')
    if (semi < 0) throw new ConfigError(at(file, i + 1, `missing ';' after the value of ${key}`), "lines end in ';'")
    const value = rest.slice(0, semi).trim()
    if (!known.has(key) && !(known === PSAD_KEYS && key.endsWith('Cmd'))) {
      const near = nearestKey(key, known)
      throw new ConfigError(at(file, i + 1, `unknown configuration key '${excerpt(key, 40)}'`), near === null ? undefined : `did you mean ${near}?`)
    }
    entries.push({ key, value, file, line: i + 1 })
  }
  return entries
}

/**
 * Resolves entries to one value per key (first definition wins, repeatable keys keep every value) and
 * expands `$NAME` references against the other keys, up to 20 rounds as psad does.
 */
export function resolveEntries(entries: readonly ConfEntry[], repeatable: ReadonlySet<string> = REPEATABLE, psadPaths = true): Map<string, ConfEntry[]> {
  const byKey = new Map<string, ConfEntry[]>()
  for (const e of entries) {
    const list = byKey.get(e.key)
    if (list === undefined) byKey.set(e.key, [{ ...e }])
    else if (repeatable.has(e.key)) list.push({ ...e })
  }
  for (let round = 0; round < 20; round++) {
    let changed = false
    for (const list of byKey.values()) {
      for (const e of list) {
        const next = e.value.replace(/\$([A-Z_][A-Z0-9_]*)/g, (whole, name: string) => {
          const target = byKey.get(name)?.[0]
          return target === undefined || target === e ? whole : target.value
        })
        if (next !== e.value) {
          e.value = next
          changed = true
        }
      }
    }
    if (!changed) break
  }
  // psad joins paths such as `$PSAD_DIR/fwdata` and collapses the `//` this leaves behind.
  if (psadPaths) for (const list of byKey.values()) for (const e of list) e.value = e.value.replace(/\/\/+/g, '/')
  return byKey
}
