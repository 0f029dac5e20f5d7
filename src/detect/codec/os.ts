import { newOsState, verdicts, type OsDatabase, type OsState } from '../os/index.js'
import { bool, count as countOf, list, nums, readNumbers, str } from './check.js'

// A source's OS fingerprint state. p0f verdicts are small ids interned per run (P0fIndex.results), so
// they are saved as what they mean, the entry's `file:line` and the labels that tied with it, and
// interned again on load. A verdict whose entry is gone from the database (changed between runs)
// counts as a SYN no entry matched.
//
// A record: [...OS_NUMBERS, idSmallIncr, moreLens | null, moreWindows | null, [[place, alsoMatched, syns], …]]

export const OS_NUMBERS = [
  'syns', 'undecodable', 'unknown', 'otherVerdicts', 'posfSyns', 'len0', 'win0', 'ttlMin', 'ttlMax', 'lastId', 'ipIds', 'maxHops',
] as const satisfies readonly (keyof OsState)[]
/** `id0`, `count0` and `moreVerdicts` travel as the verdict list. */
export const OS_OTHER = ['idSmallIncr', 'moreLens', 'moreWindows', 'id0', 'count0', 'moreVerdicts'] as const satisfies readonly (keyof OsState)[]

type Unlisted = Exclude<keyof OsState, (typeof OS_NUMBERS)[number] | (typeof OS_OTHER)[number]>
export const OS_LISTED: [Unlisted] extends [never] ? true : Unlisted = true

/** Returns the saved form of an OS state; `db` is the database its verdict ids belong to. */
export function encodeOs(st: OsState, db: OsDatabase | null): unknown[] {
  const out: unknown[] = OS_NUMBERS.map((f) => st[f])
  const found = db === null ? [] : verdicts(st).map(([id, n]) => {
    const r = db.p0f.results[id]!
    return [`${r.entry.file}:${r.entry.line}`, r.alsoMatched, n]
  })
  out.push(st.idSmallIncr, st.moreLens, st.moreWindows, found)
  return out
}

/** Returns the OS state a record describes (null without a database: nothing would read it). */
export function decodeOs(v: unknown, db: OsDatabase | null, where: string): OsState | null {
  const r = list(v, where, 'os', OS_NUMBERS.length + 4)
  const st = newOsState()
  readNumbers(st, OS_NUMBERS, r, 0, `${where} os`)
  const at = OS_NUMBERS.length
  st.idSmallIncr = bool(r[at], where, 'os idSmallIncr')
  st.moreLens = r[at + 1] === null ? null : nums(r[at + 1], where, 'os moreLens')
  st.moreWindows = r[at + 2] === null ? null : nums(r[at + 2], where, 'os moreWindows')
  const saved = list(r[at + 3], where, 'os verdicts')
  if (db === null) return null
  const kept: [number, number][] = []
  for (const e of saved) {
    const [place, also, n] = list(e, where, 'an os verdict', 3)
    const count = countOf(n, where, 'os verdict count')
    const labels = list(also, where, 'os alsoMatched').map((l) => str(l, where, 'os alsoMatched'))
    const id = db.p0f.restore(str(place, where, 'os verdict entry'), labels)
    const same = kept.find((k) => k[0] === id)
    if (id < 0) st.unknown += count
    else if (same !== undefined) same[1] += count
    else kept.push([id, count])
  }
  if (kept.length > 0) {
    ;[st.id0, st.count0] = kept[0]!
    st.moreVerdicts = kept.length > 1 ? kept.slice(1).flat() : null
  }
  return st
}
