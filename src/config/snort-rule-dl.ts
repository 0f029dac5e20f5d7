import { at, ConfigError } from '../core/errors.js'
import { readConfigText } from './read-text.js'
import { excerpt } from '../core/excerpt.js'

// psad's snort_rule_dl: `<sid> <dl 0-5>` per line ('#' comments; psad's own example ends the line
// with ';', so a trailing ';' is accepted). It overrides the danger level of a psad signature or an
// fwsnort SID; 0 means "drop packets matching this SID". psad keeps the last of repeated SIDs (a hash
// assignment); we keep the first, as for psad.conf keys, and warn.

/** The danger level set for one SID, and where. */
export interface SidDl {
  readonly dl: number
  /** `file:line`. */
  readonly entry: string
}

export class SnortRuleDl {
  constructor(
    private readonly bySid: ReadonlyMap<number, SidDl>,
    readonly warnings: readonly string[] = [],
  ) {}

  /** Returns an empty table. */
  static empty(): SnortRuleDl {
    return new SnortRuleDl(new Map())
  }

  /** Returns the override for a SID, or undefined when the file does not name it. */
  get(sid: number): SidDl | undefined {
    return this.bySid.get(sid)
  }

  /** Number of SIDs with an override. */
  get size(): number {
    return this.bySid.size
  }

  /** Every override, in file order. */
  entries(): IterableIterator<[number, SidDl]> {
    return this.bySid.entries()
  }
}

/** Parses snort_rule_dl text. Throws ConfigError naming file:line for a malformed line. */
export function parseSnortRuleDl(text: string, file: string): SnortRuleDl {
  const bySid = new Map<number, SidDl>()
  const warnings: string[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const hash = raw.indexOf('#')
    const t = (hash < 0 ? raw : raw.slice(0, hash)).trim().replace(/\s*;$/, '')
    if (t === '') continue
    const m = /^(\S+)\s+(\S+)$/.exec(t)
    if (m === null) throw new ConfigError(at(file, i + 1, `expected '<sid> <danger level 0-5>' but found '${excerpt(t)}'`))
    const [, sidText, dlText] = m as unknown as [string, string, string]
    if (!/^\d{1,10}$/.test(sidText) || Number(sidText) < 1) throw new ConfigError(at(file, i + 1, `invalid SID '${excerpt(sidText, 20)}' in snort_rule_dl: expected a positive whole number`))
    if (!/^\d$/.test(dlText) || Number(dlText) > 5) throw new ConfigError(at(file, i + 1, `invalid danger level '${excerpt(dlText, 20)}' in snort_rule_dl: expected 0-5`))
    const sid = Number(sidText)
    const prev = bySid.get(sid)
    if (prev !== undefined) {
      warnings.push(at(file, i + 1, `SID ${sid} is already set at ${prev.entry}; the first wins`))
      continue
    }
    bySid.set(sid, { dl: Number(dlText), entry: `${file}:${i + 1}` })
  }
  return new SnortRuleDl(bySid, warnings)
}

// An entry: `<sid> <dl>`, perhaps with ';' (see read-text.ts: quoting files).
const SNORT_RULE_DL_SHAPE = { test: /^\S+\s+\S+\s*;?\s*(#.*)?$/, kind: 'a snort_rule_dl entry', expected: "'<sid> <danger level 0-5>'" }

/** Reads and parses a snort_rule_dl file; throws ConfigError when unreadable or malformed. */
export async function loadSnortRuleDl(file: string): Promise<SnortRuleDl> {
  return parseSnortRuleDl(await readConfigText(file, 'snort_rule_dl file', { shape: SNORT_RULE_DL_SHAPE }), file)
}
