import path from 'node:path'
import { at, ConfigError, UsageError } from '../core/errors.js'
import { AddressTable } from '../detect/address-table.js'
import { parseNetwork, type Network } from '../parse/address.js'
import type { ConfEntry } from './psad-conf.js'
import { readConfigText, REPUTATION_LIST_CAP } from './read-text.js'

// Reputation lists (the README's "Reputation lists"): files of IPv4/IPv6 addresses and networks, one
// per line, each with a feed name and a danger level. They come from psad.conf's REPUTATION_FEED lines or from
// `--reputation FILE[:DL[:NAME]]`. portsleuth never downloads them (an analysis must not depend on the
// network); a cron job keeps the files fresh. Lookups go through an AddressTable: O(log n), where psad
// scans its networks linearly for every packet.

/** A psad 3.0 `REPUTATION_FEED` line. */
export interface ReputationFeedConf {
  name: string
  dl: number
  /** Minutes between updates (psad parses it and never uses it; neither do we). */
  updateMinutes: number
  diffs: boolean
  /** As written; relative names live in REPUTATION_FEEDS_DIR. */
  localFile: string
  /** psad's update command; shown by `config show`, never run. */
  updateCmd: string
  /** `file:line` of the REPUTATION_FEED line. */
  entry: string
}

/** One list to load. */
export interface ReputationSource {
  name: string
  dl: number
  file: string
  /** Where the list was configured: `psad.conf:12` or `--reputation`. */
  origin: string
}

/** A listed network that contains an address. */
export interface ReputationMatch {
  readonly feed: string
  readonly dl: number
  /** The listed network, canonical. */
  readonly network: string
  /** `file:line` of the list entry. */
  readonly entry: string
}

/** What was read from one list. */
export interface FeedSummary extends ReputationSource {
  entries: number
  /** Lines with no address on them other than blank and '#' lines (headers, junk): counted, not lost. */
  skippedLines: number
}

// Splits a comma-separated value where "double quoted" fields may contain commas.
function csv(value: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (const c of value) {
    if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      out.push(cur.trim())
      cur = ''
    } else cur += c
  }
  out.push(cur.trim())
  return out
}

/** Parses a REPUTATION_FEED value; throws ConfigError naming file:line for anything but IP/newline feeds. */
export function parseReputationFeed(e: ConfEntry): ReputationFeedConf {
  const fail = (msg: string): never => {
    throw new ConfigError(at(e.file, e.line, `invalid REPUTATION_FEED: ${msg}`), 'format: "<name>",<dl 1-5>,IP,newline,<minutes>,<Y|N>,<local file>,"<update command>"')
  }
  const f = csv(e.value)
  if (f.length < 7 || f.length > 8) fail(`expected 8 comma-separated fields but found ${f.length}`)
  const [name, dl, type, format, minutes, diffs, localFile, updateCmd] = f as [string, string, string, string, string, string, string, string | undefined]
  if (name === '') fail('empty feed name')
  if (!/^[1-5]$/.test(dl)) fail(`danger level '${dl}': expected 1-5`)
  if (type.toUpperCase() !== 'IP') fail(`data type '${type}': only IP is supported`)
  if (format.toLowerCase() !== 'newline') fail(`data format '${format}': only newline is supported`)
  if (!/^\d+$/.test(minutes) || Number(minutes) > 43200) fail(`update interval '${minutes}': expected 0-43200 minutes`)
  if (!/^[YN]$/i.test(diffs)) fail(`enable-diffs '${diffs}': expected Y or N`)
  if (localFile === '') fail('empty local file name')
  return { name, dl: Number(dl), updateMinutes: Number(minutes), diffs: diffs.toUpperCase() === 'Y', localFile, updateCmd: updateCmd ?? '', entry: `${e.file}:${e.line}` }
}

/** Parses `--reputation FILE[:DL[:NAME]]` (DL 1-5, default 4; NAME defaults to the file's base name). */
export function parseReputationArg(arg: string): ReputationSource {
  const m = /^(.+?)(?::([^:]*))?(?::([^:]*))?$/.exec(arg)
  let file = arg
  let dl = 4
  let name: string | undefined
  // Only treat ':' as a separator when what follows is a danger level, so paths with ':' still work.
  if (m !== null && m[2] !== undefined && /^\d+$/.test(m[2])) {
    file = m[1]!
    dl = Number(m[2])
    name = m[3]
    if (dl < 1 || dl > 5) throw new UsageError(`--reputation ${arg}: invalid danger level '${m[2]}': expected 1-5`)
  }
  if (file === '') throw new UsageError(`--reputation ${arg}: no file name`)
  const base = path.basename(file).replace(/\.(txt|netset|ipset|list|lst)$/i, '')
  return { name: name === undefined || name === '' ? base : name, dl, file, origin: '--reputation' }
}

/** Returns the list sources of REPUTATION_FEED lines, their local files resolved against `feedsDir`. */
export function feedSources(feeds: readonly ReputationFeedConf[], feedsDir: string | null): ReputationSource[] {
  return feeds.map((f) => ({
    name: f.name,
    dl: f.dl,
    file: path.isAbsolute(f.localFile) || feedsDir === null ? f.localFile : path.join(feedsDir, f.localFile),
    origin: f.entry,
  }))
}

const CANDIDATE = /[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?:\/[0-9.]+)?/g

/**
 * Returns the first address or network on a line, as psad does ("first IPv4/CIDR, IPv4, IPv6/len or
 * IPv6 it contains"), so plain lists, Spamhaus DROP (`1.2.3.0/24 ; SBL…`), FireHOL netsets and
 * one-object-per-line JSON all work. null when the line has none.
 */
export function firstNetwork(line: string): Network | null {
  // Fast path: most list lines start with the address.
  const head = /^\s*([^\s,;]+)/.exec(line)?.[1]
  const direct = head === undefined || !/[0-9a-f]/i.test(head) ? null : parseNetwork(head)
  if (direct !== null) return direct
  CANDIDATE.lastIndex = 0
  for (const m of line.matchAll(CANDIDATE)) {
    if (!/[0-9a-f]/i.test(m[0])) continue
    const net = parseNetwork(m[0])
    if (net !== null) return net
  }
  return null
}

/** Parses one list's text into table items; counts lines with no address. */
export function parseReputationList(text: string, src: ReputationSource): { items: { net: Network; value: ReputationMatch[] }[]; summary: FeedSummary } {
  const items: { net: Network; value: ReputationMatch[] }[] = []
  let skippedLines = 0
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const hash = raw.indexOf('#')
    const t = hash < 0 ? raw : raw.slice(0, hash)
    if (t.trim() === '') continue
    const net = firstNetwork(t)
    if (net === null) {
      skippedLines++
      continue
    }
    items.push({ net, value: [Object.freeze({ feed: src.name, dl: src.dl, network: net.text, entry: `${src.file}:${i + 1}` })] })
  }
  return { items, summary: { ...src, entries: items.length, skippedLines } }
}

// Identical networks from several lists: keep them all, highest danger level first, then load order.
function mergeMatches(a: ReputationMatch[], b: ReputationMatch[]): ReputationMatch[] {
  return [...a, ...b].sort((x, y) => y.dl - x.dl)
}

/** Loaded reputation lists with O(log n) lookups by source address. */
export class Reputation {
  constructor(
    readonly table: AddressTable<ReputationMatch[]>,
    readonly feeds: readonly FeedSummary[],
  ) {}

  /** Builds the lookup structure from parsed lists. */
  static fromLists(lists: readonly ReturnType<typeof parseReputationList>[]): Reputation {
    return new Reputation(AddressTable.build(lists.flatMap((l) => l.items), mergeMatches), lists.map((l) => l.summary))
  }

  /** Returns the most specific listed network containing the source (highest DL among equals), or null. */
  lookup(src: string, srcNum: number): ReputationMatch | null {
    return this.table.lookup(src, srcNum)?.[0] ?? null
  }

  /** Returns every listed network containing the source, most specific first. Allocates: call once per source. */
  matches(src: string, srcNum: number): ReputationMatch[] {
    return this.table.containing(src, srcNum).flat()
  }
}

/**
 * Reads every list (each at most 256 MiB); throws ConfigError naming the list and where it was
 * configured when one is unreadable, too large, or has no address on any line (an error page, a
 * list in another format): an empty table behind "OK" would silently match nothing.
 */
export async function loadReputation(sources: readonly ReputationSource[]): Promise<Reputation> {
  const lists: ReturnType<typeof parseReputationList>[] = []
  for (const src of sources) {
    let text: string
    try {
      text = await readConfigText(src.file, `reputation list '${src.name}'`, { cap: REPUTATION_LIST_CAP })
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      throw new ConfigError(`${err.message} (from ${src.origin})`, err.hint ?? 'fetch the list first (see README: reputation lists with cron)')
    }
    const list = parseReputationList(text, src)
    if (list.summary.entries === 0) {
      throw new ConfigError(
        `reputation list '${src.name}' ${src.file} (from ${src.origin}) has no IPv4/IPv6 address or network on any line (${list.summary.skippedLines} lines without one)`,
        'a list holds one address or network per line; is the file an error page or in another format?',
      )
    }
    lists.push(list)
  }
  return Reputation.fromLists(lists)
}
