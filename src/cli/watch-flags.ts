import { Flags } from '@oclif/core'
import type { WatchSettings } from '../config/portsleuth-conf.js'
import { BLOCK_BACKENDS, type BlockBackendName } from '../config/portsleuth-conf.js'
import { parseDuration } from '../config/duration.js'
import type { Clock } from '../core/clock.js'
import { UsageError } from '../core/errors.js'
import { parseNetwork } from '../parse/address.js'
import { DEFAULT_MAX_LINE } from '../sources/lines.js'
import type { InputSpec } from '../sources/follow/follower.js'
import type { WatchRequest } from '../watch/request.js'
import { configFlags, configRequest } from './flags.js'

// Flags of `watch` and of the commands that act on a watcher's state (status, block, alert test), and
// their translation into the typed request of the core.

/** Where the state is; shared by watch, status and block. */
export const stateFlags = {
  'state-dir': Flags.string({ summary: 'State directory (default STATE_DIR of portsleuth.conf, else /var/lib/portsleuth).' }),
  'config-file': Flags.string({ summary: 'portsleuth configuration file (default /etc/portsleuth/portsleuth.conf, if present).' }),
}

/** The configuration a watcher runs with: psad.conf and its files, portsleuth.conf. */
export const watchConfigFlags = {
  ...configFlags,
  ...stateFlags,
  year: Flags.integer({ summary: 'Year of RFC 3164 timestamps (default: inferred from the time lines are read).', min: 1970, max: 9999 }),
  'max-line-length': Flags.integer({ summary: 'Longer lines are counted as too-long and skipped.', min: 256, default: DEFAULT_MAX_LINE }),
  verbose: Flags.boolean({ char: 'v', summary: 'Also log routine events (every skipped block, enrichment).' }),
}

export const watchFlags = {
  ...watchConfigFlags,
  journal: Flags.boolean({ summary: 'Follow the kernel log in the journal (journalctl -k -f -o json).' }),
  fifo: Flags.string({ summary: 'Read a syslog FIFO (psad\'s kmsgsd setup); repeatable.', multiple: true, multipleNonGreedy: true }),
  'include-allowed': Flags.boolean({ summary: 'Also score packets the log prefix says were allowed or only audited, as analyze --include-allowed.' }),
  'no-flood-scoring': Flags.boolean({ summary: "psad's verdicts, as analyze --no-flood-scoring: a flood on one port gets no danger level." }),
  'from-start': Flags.boolean({ summary: 'On the first start, read what a file (or this boot\'s journal) already holds instead of starting at its end.' }),
  'save-interval': Flags.string({ summary: 'Save the state this often (default 5s).' }),
  'max-sources': Flags.integer({ summary: 'Sources kept at most; past it the oldest low-DL sources are evicted (default 1000000).', min: 1000 }),
  'syslog-socket': Flags.string({ summary: 'Syslog socket for alerts (default /dev/log).' }),
  digest: Flags.string({ summary: 'Batch email alerts into one mail per this interval (e.g. 1h; default: one mail per alert).' }),
  'webhook-url': Flags.string({ summary: 'POST every event as JSON to this URL (secret: WEBHOOK_SECRET_FILE in portsleuth.conf).' }),
  block: Flags.boolean({ summary: 'Block sources at AUTO_IDS_DANGER_LEVEL (also on with psad.conf ENABLE_AUTO_IDS Y; --no-block: off).', allowNo: true }),
  'block-backend': Flags.string({ summary: 'nftables, iptables, ipset or dry-run (default: nftables where nft works, else iptables).', options: [...BLOCK_BACKENDS] }),
  'block-timeout': Flags.string({ summary: "Every block lasts this long (e.g. 1h; 0: permanent) instead of psad's per-DL timeouts." }),
  'block-ipv6-prefix': Flags.integer({ summary: 'IPv6 sources are blocked by this prefix (default 64).', min: 32, max: 128 }),
  allow: Flags.string({ summary: 'Never block this address or network; repeatable.', multiple: true, multipleNonGreedy: true }),
  'block-home-net': Flags.boolean({ summary: 'Also block sources inside HOME_NET (protected by default when HOME_NET names networks).' }),
}

const opt = <T>(v: unknown): T | undefined => (v === undefined ? undefined : (v as T))

/** Returns seconds for a duration flag, or undefined when not given; throws UsageError naming the flag. */
export function durationFlag(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined
  const s = parseDuration(String(v))
  if (s === null) throw new UsageError(`${flag}: '${String(v)}' is not a duration`, 'write whole seconds or a number with s, m, h, d or w: 90, 30m, 1h')
  return s
}

/** The flags that override portsleuth.conf. */
export function watchOverrides(f: Record<string, unknown>): Partial<WatchSettings> {
  const allow = opt<string[]>(f.allow)?.map((a) => parseNetwork(a) ?? usage(`--allow: '${a}' is not an IPv4/IPv6 address or network`))
  const save = durationFlag(f['save-interval'], '--save-interval')
  return {
    stateDir: opt<string>(f['state-dir']),
    saveInterval: save === undefined ? undefined : Math.max(1, save),
    maxSources: opt<number>(f['max-sources']),
    syslogSocket: opt<string>(f['syslog-socket']),
    emailDigest: durationFlag(f.digest, '--digest'),
    webhookUrl: opt<string>(f['webhook-url']),
    blockBackend: opt<BlockBackendName>(f['block-backend']),
    blockIpv6Prefix: opt<number>(f['block-ipv6-prefix']),
    blockHomeNet: f['block-home-net'] === true ? true : undefined,
    allow,
  }
}

function usage(msg: string): never {
  throw new UsageError(msg)
}

/** The inputs of `watch FILE... [--journal] [--fifo PATH] [-]`. */
export function watchInputs(files: readonly string[], f: Record<string, unknown>): InputSpec[] {
  const specs: InputSpec[] = files.map((p) => (p === '-' ? { kind: 'stdin' } : { kind: 'file', path: p }))
  if (f.journal === true) specs.push({ kind: 'journal' })
  for (const p of opt<string[]>(f.fifo) ?? []) specs.push({ kind: 'fifo', path: p })
  return specs
}

/** Builds the watch request from parsed flags; `clock` gives the run's now. */
export function watchRequest(files: string[], f: Record<string, unknown>, version: string, clock: Clock): WatchRequest {
  return {
    plan: {
      config: configRequest(f),
      since: null,
      until: null,
      criteria: [],
      includeAllowed: f['include-allowed'] === true,
      floodScoring: f['no-flood-scoring'] !== true,
      year: opt<number>(f.year),
      maxLineLength: opt<number>(f['max-line-length']) ?? DEFAULT_MAX_LINE,
      now: clock.now(),
    },
    inputs: watchInputs(files, f),
    fromStart: f['from-start'] === true,
    configFile: opt<string>(f['config-file']) ?? null,
    overrides: watchOverrides(f),
    block: opt<boolean>(f.block),
    blockTimeout: durationFlag(f['block-timeout'], '--block-timeout') ?? null,
    version,
  }
}
