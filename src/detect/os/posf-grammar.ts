import { at, ConfigError } from '../../core/errors.js'
import type { PosfEntry, PosfId } from './types.js'
import { excerpt } from '../../core/excerpt.js'

// psad's posf file: blocks that start with `OS <name>;` followed by `NUMPKTS n;`, `TOS 0x..;`,
// `LEN n;`, `TTL n;`, `ID SMALLINCR|RANDOM;` and `WINDOW n;`, one statement per line (several per
// line are accepted when each ends in `;`). `#` starts a comment line; `#sample <LOG body>` attaches
// kernel log lines to the next block.
//
// psad splits the file on `;`, so a statement without its `;` swallows the next line: its own posf
// loses HPUX 10.x, HPUX 11.x and Nokia IPSO, and "Solaris 8" gets their values. Here statements are read per line, so nothing is corrupted; a missing `;` is
// a ConfigError in strict mode and a warning otherwise (psad's shipped file needs the latter).

export interface PosfOptions {
  /** Treat a statement without its terminating `;` as an error instead of a warning. */
  strict: boolean
}

export interface LoadedPosf {
  entries: PosfEntry[]
  warnings: string[]
}

class StatementError extends Error {}

type Key = 'NUMPKTS' | 'TOS' | 'LEN' | 'TTL' | 'ID' | 'WINDOW'
const KEYS: readonly Key[] = ['NUMPKTS', 'TOS', 'LEN', 'TTL', 'ID', 'WINDOW']
const EXPECTED = "expected 'OS name;', 'NUMPKTS n;', 'TOS 0xNN;', 'LEN n;', 'TTL n;', 'ID SMALLINCR|RANDOM;' or 'WINDOW n;'"

interface Draft {
  line: number
  name: string
  values: Partial<Record<Key, number | PosfId>>
  samples: string[]
}

function decimal(text: string, key: string, min: number, max: number): number {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  if (!(n >= min && n <= max)) throw new StatementError(`invalid ${key} '${text}': expected a number ${min}-${max}`)
  return n
}

function value(key: Key, text: string): number | PosfId {
  switch (key) {
    case 'NUMPKTS': return decimal(text, key, 1, 10000)
    case 'LEN': return decimal(text, key, 20, 65535)
    case 'TTL': return decimal(text, key, 1, 255)
    case 'WINDOW': return decimal(text, key, 0, 65535)
    case 'TOS': {
      const m = /^0x([0-9a-fA-F]{1,2})$/.exec(text)
      if (m === null) throw new StatementError(`invalid TOS '${text}': expected 0x00-0xff`)
      return Number.parseInt(m[1]!, 16)
    }
    case 'ID':
      if (text === 'SMALLINCR' || text === 'RANDOM') return text
      throw new StatementError(`invalid ID '${text}': expected SMALLINCR or RANDOM`)
  }
}

function finish(d: Draft, file: string): PosfEntry {
  const missing = KEYS.filter((k) => d.values[k] === undefined)
  if (missing.length > 0) throw new ConfigError(at(file, d.line, `OS '${d.name}' lacks ${missing.join(', ')}: every entry needs ${KEYS.join(', ')}`))
  const v = d.values as Record<Key, number | PosfId>
  const scanner = d.name.startsWith('*')
  return {
    file, line: d.line, name: scanner ? d.name.slice(1).trim() : d.name, scanner,
    numPkts: v.NUMPKTS as number, tos: v.TOS as number, len: v.LEN as number, ttl: v.TTL as number,
    id: v.ID as PosfId, window: v.WINDOW as number, samples: d.samples,
  }
}

/** Parses posf text; throws ConfigError naming file:line for anything it cannot read unambiguously. */
export function parsePosf(text: string, file: string, opts: PosfOptions): LoadedPosf {
  const entries: PosfEntry[] = []
  const warnings: string[] = []
  let draft: Draft | null = null
  let samples: string[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    const lineNo = i + 1
    if (raw === '') continue
    if (raw.startsWith('#')) {
      const m = /^#sample\s+(.*)$/.exec(raw)
      if (m !== null) samples.push(m[1]!)
      continue
    }
    const parts = raw.split(';').map((s) => s.trim())
    const tail = parts.pop()!
    if (tail !== '') {
      const msg = `missing ';' after '${excerpt(tail)}': ${EXPECTED}`
      if (opts.strict) throw new ConfigError(at(file, lineNo, msg), "psad's own posf lacks ';' on three OS lines and one TTL line; load it with strict off")
      warnings.push(at(file, lineNo, `${msg} (read as if it were there; psad would merge it with the next line)`))
      parts.push(tail)
    }
    for (const stmt of parts) {
      if (stmt === '') throw new ConfigError(at(file, lineNo, `empty statement in '${excerpt(raw, 100)}': ${EXPECTED}`))
      const sp = stmt.search(/\s/)
      const key = sp < 0 ? stmt : stmt.slice(0, sp)
      const arg = sp < 0 ? '' : stmt.slice(sp).trim()
      if (key === 'OS') {
        if (arg === '' || arg === '*') throw new ConfigError(at(file, lineNo, `OS without a name in '${excerpt(raw, 100)}': ${EXPECTED}`))
        if (draft !== null) entries.push(finish(draft, file))
        draft = { line: lineNo, name: arg, values: {}, samples }
        samples = []
        continue
      }
      if (!(KEYS as readonly string[]).includes(key)) throw new ConfigError(at(file, lineNo, `unknown statement '${excerpt(stmt)}': ${EXPECTED}`))
      if (draft === null) throw new ConfigError(at(file, lineNo, `'${excerpt(stmt)}' before any 'OS name;' line`))
      const k = key as Key
      if (draft.values[k] !== undefined) {
        throw new ConfigError(at(file, lineNo, `${k} given twice for OS '${draft.name}' (line ${draft.line}): a missing 'OS name;' line?`))
      }
      try {
        draft.values[k] = value(k, arg)
      } catch (err) {
        if (err instanceof StatementError) throw new ConfigError(at(file, lineNo, `${err.message} in '${excerpt(raw, 100)}'`))
        throw err
      }
    }
  }
  if (draft !== null) entries.push(finish(draft, file))
  if (samples.length > 0) warnings.push(at(file, lines.length, '#sample lines are not followed by an OS entry'))
  return { entries, warnings }
}
