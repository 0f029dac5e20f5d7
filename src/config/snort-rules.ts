import { access, readdir } from 'node:fs/promises'
import path from 'node:path'
import { at, ConfigError } from '../core/errors.js'
import { readConfigText } from './read-text.js'

// Snort 2 rule files (`*.rules` in SNORT_RULES_DIR / FWSNORT_RULES_DIR). fwsnort turns Snort rules into
// iptables rules whose log prefix carries `SID<n>`; to report such a packet we only need each rule's
// metadata, never its payload logic: sid, msg, classtype, priority, content strings, references and
// metadata. classification.config (classtype → priority) and reference.config (system → URL prefix)
// are read from the same directory when present, as psad does. Disabled (`# alert …`) rules and
// non-rule lines (var, include, config) are skipped; a rule we cannot read is a warning with file:line,
// not an error: these are third-party files of thousands of rules and one odd rule must not stop a run.

const ACTIONS = new Set(['alert', 'log', 'pass', 'drop', 'reject', 'sdrop', 'activate', 'dynamic'])
const MAX_WARNINGS = 50

export interface SnortReference {
  system: string
  id: string
  /** The id expanded with reference.config's URL prefix, when the system is known there. */
  url: string | null
}

/** What portsleuth keeps of a Snort rule. */
export interface SnortRuleInfo {
  sid: number
  gid: number
  rev: number | null
  msg: string
  classtype: string | null
  /** `priority:` of the rule, else the classtype's priority from classification.config, else null. */
  priority: number | null
  /** `content:` strings as written (|hex| blocks kept), `!` first when negated. */
  contents: string[]
  references: SnortReference[]
  metadata: string | null
  action: string
  proto: string
  /** `file:line` where the rule starts. */
  entry: string
}

export interface SnortRulesOptions {
  /** psad's `--snort-type NAME`: load only NAME.rules. */
  only?: string
  /** Receives skipped rules and repeated SIDs (at most 50 lines plus a count). */
  warnings?: string[]
}

interface Option {
  name: string
  value: string | null
}

// Splits `name:value; name; …` honouring "quoted strings" and backslash escapes; null when unterminated.
function splitOptions(body: string): Option[] | null {
  const out: Option[] = []
  let i = 0
  while (i < body.length) {
    while (i < body.length && /[\s;]/.test(body[i]!)) i++
    if (i >= body.length) break
    const start = i
    while (i < body.length && body[i] !== ':' && body[i] !== ';') i++
    const name = body.slice(start, i).trim().toLowerCase()
    if (body[i] !== ':') {
      out.push({ name, value: null })
      continue
    }
    i++
    let value = ''
    let quoted = false
    for (; i < body.length; i++) {
      const c = body[i]!
      if (c === '\\' && i + 1 < body.length) {
        value += c + body[++i]!
        continue
      }
      if (c === '"') quoted = !quoted
      else if (c === ';' && !quoted) break
      value += c
    }
    if (quoted) return null
    out.push({ name, value: value.trim() })
    i++
  }
  return out
}

function unquote(v: string): string {
  const t = v.trim()
  const inner = t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t
  return inner.replace(/\\(.)/g, '$1')
}

/** Reads `config classification: name,description,priority` lines into classtype → priority. */
export function parseClassifications(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const m of text.matchAll(/^\s*config\s+classification:\s*([^,\s]+)\s*,[^,]*,\s*(\d+)/gm)) out.set(m[1]!.toLowerCase(), Number(m[2]))
  return out
}

/** Reads `config reference: system url-prefix` lines into system → prefix. */
export function parseReferenceSystems(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of text.matchAll(/^\s*config\s+reference:\s*(\S+)\s+(\S+)/gm)) out.set(m[1]!.toLowerCase(), m[2]!)
  return out
}

/** Lookup tables and the warning sink for parseSnortRules. */
export interface SnortRulesContext {
  classes: ReadonlyMap<string, number>
  refs: ReadonlyMap<string, string>
  warn: (msg: string) => void
}

function toInfo(rule: string, entry: string, ctx: SnortRulesContext): SnortRuleInfo | string {
  const open = rule.indexOf('(')
  const close = rule.lastIndexOf(')')
  if (open < 0 || close < open) return 'no (options) part'
  const header = rule.slice(0, open).trim().split(/\s+/)
  const options = splitOptions(rule.slice(open + 1, close))
  if (options === null) return 'unterminated quoted string in the options'
  const get = (name: string): string | null => options.find((o) => o.name === name)?.value ?? null
  const sidText = get('sid')
  if (sidText === null || !/^\d+$/.test(sidText)) return sidText === null ? 'no sid' : `invalid sid '${sidText}'`
  const classtype = get('classtype')?.toLowerCase() ?? null
  const prio = get('priority')
  const priority = prio !== null && /^\d+$/.test(prio) ? Number(prio) : classtype === null ? null : ctx.classes.get(classtype) ?? null
  const references = options.filter((o) => o.name === 'reference' && o.value !== null).map((o) => {
    const comma = o.value!.indexOf(',')
    const system = (comma < 0 ? o.value! : o.value!.slice(0, comma)).trim().toLowerCase()
    const id = comma < 0 ? '' : o.value!.slice(comma + 1).trim()
    const prefix = ctx.refs.get(system)
    return { system, id, url: prefix === undefined ? null : prefix + id }
  })
  const contents = options.filter((o) => o.name === 'content' && o.value !== null).map((o) => {
    const v = o.value!.trim()
    return v.startsWith('!') ? `!${unquote(v.slice(1))}` : unquote(v)
  })
  const rev = get('rev')
  const gid = get('gid')
  return {
    sid: Number(sidText),
    gid: gid !== null && /^\d+$/.test(gid) ? Number(gid) : 1,
    rev: rev !== null && /^\d+$/.test(rev) ? Number(rev) : null,
    msg: unquote(get('msg') ?? ''),
    classtype,
    priority,
    contents,
    references,
    metadata: get('metadata'),
    action: header[0] ?? '',
    proto: header[1] ?? '',
    entry,
  }
}

/** Adds the rules of one `.rules` text to `into` (first SID wins); problems go to ctx.warn with file:line. */
export function parseSnortRules(text: string, file: string, into: Map<number, SnortRuleInfo>, ctx: SnortRulesContext): void {
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let rule = lines[i]!.trim()
    const first = i + 1
    while (rule.endsWith('\\') && i + 1 < lines.length) rule = rule.slice(0, -1) + lines[++i]!.trim()
    const action = /^(\w+)\s/.exec(rule)?.[1]
    if (action === undefined || !ACTIONS.has(action)) continue
    const info = toInfo(rule, `${file}:${first}`, ctx)
    if (typeof info === 'string') {
      ctx.warn(at(file, first, `Snort rule skipped: ${info}`))
      continue
    }
    const prev = into.get(info.sid)
    if (prev !== undefined) ctx.warn(at(file, first, `SID ${info.sid} is already defined at ${prev.entry}; the first is kept`))
    else into.set(info.sid, info)
  }
}

// classification.config and reference.config are optional; one that is there is read with the cap.
async function optionalText(file: string, what: string): Promise<string> {
  try {
    await access(file)
  } catch {
    return ''
  }
  return readConfigText(file, what)
}

/**
 * Loads the metadata of every Snort rule in the `*.rules` files of the directories, keyed by SID.
 * Throws ConfigError when a directory or a rules file cannot be read.
 */
export async function loadSnortRules(dirs: string | readonly string[], opts: SnortRulesOptions = {}): Promise<Map<number, SnortRuleInfo>> {
  const rules = new Map<number, SnortRuleInfo>()
  let skipped = 0
  const warn = (msg: string): void => {
    if (opts.warnings === undefined) return
    if (skipped++ < MAX_WARNINGS) opts.warnings.push(msg)
  }
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    let names: string[]
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.rules')).sort()
    } catch (err) {
      throw new ConfigError(`cannot read Snort rules directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    }
    if (opts.only !== undefined) names = names.filter((n) => n === `${opts.only}.rules`)
    const ctx: SnortRulesContext = {
      classes: parseClassifications(await optionalText(path.join(dir, 'classification.config'), 'Snort classification file')),
      refs: parseReferenceSystems(await optionalText(path.join(dir, 'reference.config'), 'Snort reference file')),
      warn,
    }
    for (const name of names) {
      const file = path.join(dir, name)
      parseSnortRules(await readConfigText(file, 'Snort rules file'), file, rules, ctx)
    }
  }
  if (opts.warnings !== undefined && skipped > MAX_WARNINGS) opts.warnings.push(`… and ${skipped - MAX_WARNINGS} more Snort rule warnings`)
  return rules
}
