import { at, ConfigError } from '../../core/errors.js'
import type { NumTest, OptTest, P0fEntry, WindowTest } from './types.js'
import { excerpt } from '../../core/excerpt.js'

// p0f v2 SYN signatures as in OpenBSD's and psad's pf.os:
//   window:ttl:df:size:options:Genre:Version:Subtype:Description
// `#` starts a comment line; fields are trimmed (psad's file indents the genre with tabs); the
// description is everything after the eighth colon. A comment line `#sample <LOG body>` attaches a
// kernel log line to the next entry, for the test that every shipped signature matches its samples.

export interface LoadedP0f {
  entries: P0fEntry[]
  /** Problems that did not stop loading, each naming file:line. */
  warnings: string[]
}

class FieldError extends Error {}

const FIELDS = 'window:ttl:df:size:options:genre:version:subtype:description'
const UINT = /^\d{1,6}$/

function uint(text: string, what: string, max: number, min = 0): number {
  if (!UINT.test(text)) throw new FieldError(`invalid ${what} '${text}': expected a number ${min}-${max}`)
  const n = Number(text)
  if (n < min || n > max) throw new FieldError(`invalid ${what} '${text}': expected a number ${min}-${max}`)
  return n
}

function numTest(text: string, what: string, max: number): NumTest {
  if (text === '*') return { kind: 'any' }
  if (text.startsWith('%')) return { kind: 'mod', n: uint(text.slice(1), `${what} modulus`, max, 1) }
  if (!UINT.test(text)) throw new FieldError(`invalid ${what} '${text}': expected a number, '*' or '%n'`)
  return { kind: 'eq', n: uint(text, what, max) }
}

function windowTest(text: string): WindowTest {
  const c = text.charAt(0)
  if (c === 'S' || c === 'T') {
    if (!UINT.test(text.slice(1))) throw new FieldError(`invalid window '${text}': expected a number, '*', '%n', 'Sn' or 'Tn'`)
    const n = uint(text.slice(1), 'window multiplier', 65535, 1)
    return c === 'S' ? { kind: 'mss', n } : { kind: 'mtu', n }
  }
  if (text !== '*' && !text.startsWith('%') && !UINT.test(text)) {
    throw new FieldError(`invalid window '${text}': expected a number, '*', '%n', 'Sn' or 'Tn'`)
  }
  return numTest(text, 'window', 65535)
}

function optTest(tok: string): OptTest {
  switch (tok) {
    case 'N': return { kind: 'N' }
    case 'E': return { kind: 'E' }
    case 'S': return { kind: 'S' }
    case 'T': return { kind: 'T', zero: false }
    case 'T0': return { kind: 'T', zero: true }
  }
  const c = tok.charAt(0)
  const rest = tok.slice(1)
  if (c === 'M' && rest !== '') return { kind: 'M', value: numTest(rest, 'MSS', 65535) }
  if (c === 'W' && rest !== '') return { kind: 'W', value: numTest(rest, 'window scale', 255) }
  if (c === '?' && rest !== '') return { kind: '?', code: uint(rest, 'option kind', 255, 2) }
  throw new FieldError(`unknown TCP option '${tok}': expected N, E, S, T, T0, Mnnn, Wnnn (nnn a number, * or %n) or ?n`)
}

function options(text: string): OptTest[] {
  if (text === '.') return []
  if (text === '') throw new FieldError("empty option list: expected '.' for a SYN without options")
  return text.split(',').flatMap((piece) => {
    const t = piece.trim()
    if (t === '') throw new FieldError(`empty item in option list '${text}'`)
    return t.split(/\s+/).map((tok) => {
      if (tok === '.') throw new FieldError(`'.' in option list '${text}': '.' must stand alone`)
      return optTest(tok)
    })
  })
}

function letter(o: OptTest): string {
  return o.kind === '?' ? `?${o.code}` : o.kind
}

function specificity(window: WindowTest, df: boolean | null, size: NumTest, opts: readonly OptTest[]): number {
  const num = (t: NumTest, exact: number): number => (t.kind === 'eq' ? exact : t.kind === 'mod' ? 1 : 0)
  let s = window.kind === 'mss' || window.kind === 'mtu' ? 3 : num(window, 4)
  s += num(size, 2) + (df === null ? 0 : 1)
  for (const o of opts) if (o.kind === 'M' || o.kind === 'W') s += num(o.value, 2)
  return s
}

function parseEntry(text: string, file: string, line: number, samples: string[]): P0fEntry {
  const f = text.split(':').map((s) => s.trim())
  if (f.length < 9) throw new FieldError(`expected 9 ':'-separated fields ${FIELDS}, found ${f.length}`)
  const window = windowTest(f[0]!)
  const ttl = uint(f[1]!, 'initial TTL', 255, 1)
  const dfText = f[2]!
  if (dfText !== '0' && dfText !== '1' && dfText !== '*') throw new FieldError(`invalid DF '${dfText}': expected 0, 1 or *`)
  const df = dfText === '*' ? null : dfText === '1'
  const size = numTest(f[3]!, 'size', 65535)
  const opts = options(f[4]!)
  let genre = f[5]!
  const generic = genre.startsWith('@')
  const userland = genre.startsWith('*')
  if (generic || userland) genre = genre.slice(1)
  if (genre === '') throw new FieldError(`empty genre in '${f[5]}': expected a name, optionally prefixed by @ (generic) or * (userland)`)
  const version = f[6]!
  const subtype = f[7]!
  let cut = -1
  for (let k = 0; k < 8; k++) cut = text.indexOf(':', cut + 1)
  const description = text.slice(cut + 1).trim()
  const label = description !== '' ? description : [genre, version, subtype].filter((s) => s !== '').join(' ')
  return {
    file, line, window, ttl, df, size, options: opts,
    layout: opts.length === 0 ? '.' : opts.map(letter).join(','),
    genre, version, subtype, description, generic, userland, label,
    specificity: specificity(window, df, size, opts),
    samples,
  }
}

const SAMPLE = /^#sample\s+(.*)$/

/** Parses pf.os text; throws ConfigError naming file:line, the offending text and what was expected. */
export function parseP0f(text: string, file: string): LoadedP0f {
  const entries: P0fEntry[] = []
  const warnings: string[] = []
  let samples: string[] = []
  let sampleLine = 0
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim()
    if (raw === '') continue
    if (raw.startsWith('#')) {
      const m = SAMPLE.exec(raw)
      if (m !== null) {
        if (samples.length === 0) sampleLine = i + 1
        samples.push(m[1]!)
      }
      continue
    }
    let entry: P0fEntry
    try {
      entry = parseEntry(raw, file, i + 1, samples)
    } catch (err) {
      if (err instanceof FieldError) throw new ConfigError(at(file, i + 1, `${err.message} in '${excerpt(raw, 100)}'`))
      throw err
    }
    samples = []
    const w = entry.window.kind
    if ((w === 'mss' || w === 'mtu') && !entry.options.some((o) => o.kind === 'M')) {
      warnings.push(at(file, i + 1, `window '${raw.split(':')[0]}' is a multiple of the MSS but the entry has no M option: it can never match`))
    }
    entries.push(entry)
  }
  if (samples.length > 0) warnings.push(at(file, sampleLine, '#sample lines are not followed by an entry'))
  return { entries, warnings }
}
