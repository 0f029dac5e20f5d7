import { Flags } from '@oclif/core'
import type { ConfigRequest } from '../config/bundle.js'
import type { ConntrackMode } from '../config/settings.js'
import type { Clock } from '../core/clock.js'
import { UsageError } from '../core/errors.js'
import { FORMATS, type OutputRequest } from '../report/outputs.js'
import { parsePacketFields } from '../report/packet-csv.js'
import type { EnrichRequest } from '../respond/enrich-net.js'
import { parseServer } from '../respond/server-address.js'
import type { BatchRequest } from '../run/batch.js'
import { DEFAULT_MAX_LINE } from '../sources/lines.js'

// Flags shared by the commands that analyse logs (analyze, report), and their translation into the
// typed requests of the core: commands only parse.

/** Flags that choose and override the configuration (analyze, report, config check/show). */
export const configFlags = {
  config: Flags.string({ char: 'c', summary: 'psad-format configuration file (psad.conf).', exclusive: ['psad-dir'] }),
  'psad-dir': Flags.string({ summary: 'psad configuration directory: psad.conf, auto_dl, signatures, snort_rule_dl, pf.os, posf (e.g. /etc/psad).' }),
  'auto-dl': Flags.string({ summary: 'psad auto_dl file (per-source danger levels; 0 = ignore).', exclusive: ['no-auto-dl'] }),
  'no-auto-dl': Flags.boolean({ summary: 'Do not use an auto_dl file.' }),
  reputation: Flags.string({ summary: 'Reputation list FILE[:DL[:NAME]] of addresses/networks (DL 1-5, default 4); repeatable.', multiple: true, multipleNonGreedy: true }),
  'no-snort-sids': Flags.boolean({ summary: 'Do not load Snort rules for fwsnort SIDs.' }),
  signatures: Flags.string({ summary: 'Signature file replacing the bundled set (psad format); repeatable.', multiple: true, multipleNonGreedy: true }),
  'no-signatures': Flags.boolean({ summary: 'Do not match signatures.' }),
  'os-db': Flags.string({ summary: "Extra OS fingerprint file: psad's or p0f's pf.os, or psad's posf; repeatable.", multiple: true, multipleNonGreedy: true }),
  'no-os': Flags.boolean({ summary: 'No passive OS fingerprinting.' }),
  'restrict-ip': Flags.string({ summary: 'Only packets from or to this address or network; repeatable.', multiple: true, multipleNonGreedy: true }),
  conntrack: Flags.string({
    summary: 'ACK/RST handling: auto (drop stateful-firewall leftovers), ignore (psad: drop all), keep.',
    options: ['auto', 'ignore', 'keep'],
  }),
  'no-icmp-validation': Flags.boolean({ summary: 'Do not flag ICMP/ICMPv6 types and codes IANA does not assign.' }),
  'min-dl': Flags.integer({ summary: 'List sources from this danger level (psad MIN_DANGER_LEVEL).', min: 1, max: 5 }),
}

export const analysisFlags = {
  ...configFlags,
  journal: Flags.boolean({ summary: 'Read the kernel log from journalctl -k (with --since/--until passed on).' }),
  since: Flags.string({ summary: 'Only packets at or after this time (2026-11-01, 24h, yesterday, …).' }),
  until: Flags.string({ summary: 'Only packets before this time.' }),
  year: Flags.integer({ summary: 'Year of RFC 3164 timestamps (default: inferred from the file time).', min: 1970, max: 9999 }),
  fields: Flags.string({ summary: 'psad --analysis-fields criteria, e.g. "SRC:10.0.0.0/8, DPT:>1023".' }),
  'max-line-length': Flags.integer({ summary: 'Longer lines are counted as too-long and skipped.', min: 256, default: DEFAULT_MAX_LINE }),
  threads: Flags.integer({ summary: 'Threads analysing file inputs together, each splitting its share of the text and analysing its share of the sources (default: one per CPU but one, at most 8, when the files are large enough to repay them, e.g. from 140 MiB on 4 CPUs; one on 2 CPUs; 0 or 1: one).', min: 0, max: 64 }),
  verbose: Flags.boolean({ char: 'v', summary: 'Print warnings about signatures and configuration keys.' }),
  'include-allowed': Flags.boolean({ summary: 'Also score packets the log prefix says were allowed or only audited ([UFW ALLOW], ACCEPT, [UFW AUDIT]).' }),
  'no-flood-scoring': Flags.boolean({ summary: "psad's verdicts: a flood on one port (e.g. tcp/22) gets no danger level." }),
}

export const outputFlags = {
  format: Flags.string({ char: 'f', summary: 'Report format (default text, or from the -o file extension).', options: [...FORMATS] }),
  output: Flags.string({ char: 'o', summary: 'Write to this file (format from .txt .json .csv .html .dshield); repeatable, one read of the logs.', multiple: true, multipleNonGreedy: true }),
  top: Flags.integer({ summary: 'Rows in the text report\'s top tables.', min: 1, default: 20 }),
  'csv-table': Flags.string({ summary: 'CSV table: sources, signatures, ports, destinations, or packets (one row per packet, psad --CSV).' }),
  'csv-fields': Flags.string({ summary: 'Fields of --csv-table packets (psad names, e.g. "timestamp src dst dp flags"); field:criterion filters.' }),
  'dshield-user-id': Flags.string({ summary: 'DShield submitter id (default DSHIELD_USER_ID from the config, else 0).' }),
  'dshield-tz': Flags.string({ summary: 'Time zone of DShield lines: local (default), UTC or an IANA name.', default: 'local' }),
  progress: Flags.boolean({ summary: 'Progress on stderr while reading, when stderr is a terminal (--no-progress: never).', allowNo: true, default: true }),
}

/** Reverse DNS and whois of the listed sources (analyze, report); off unless asked: lookups leave the machine. */
export const enrichFlags = {
  dns: Flags.boolean({ summary: 'Reverse DNS (PTR) of the listed sources (sends their addresses to your DNS resolver).', helpGroup: 'ENRICHMENT' }),
  whois: Flags.boolean({ summary: 'whois of the listed sources (sends their addresses to whois.arin.net and one regional registry).', helpGroup: 'ENRICHMENT' }),
  'enrich-min-dl': Flags.integer({ summary: 'Look up only sources at or above this danger level.', min: 1, max: 5, default: 3, helpGroup: 'ENRICHMENT' }),
  'enrich-max': Flags.integer({ summary: 'Look up at most this many sources, highest danger level first.', min: 1, max: 10_000, default: 50, helpGroup: 'ENRICHMENT' }),
  'enrich-timeout': Flags.integer({ summary: 'Seconds before one lookup is given up (its result is then empty).', min: 1, max: 300, default: 10, helpGroup: 'ENRICHMENT' }),
  'dns-server': Flags.string({ summary: 'DNS server IP[:PORT] for --dns instead of the system resolvers.', helpGroup: 'ENRICHMENT' }),
  'whois-server': Flags.string({ summary: 'whois server HOST[:PORT] for --whois instead of ARIN plus referral.', helpGroup: 'ENRICHMENT' }),
}

const opt = <T>(v: unknown): T | undefined => (v === undefined ? undefined : (v as T))

/** Builds the typed configuration request from parsed `configFlags`. */
export function configRequest(f: Record<string, unknown>): ConfigRequest {
  return {
    configFile: opt<string>(f.config) ?? null,
    psadDir: opt<string>(f['psad-dir']) ?? null,
    overrides: {
      minDangerLevel: opt<number>(f['min-dl']),
      conntrack: opt<ConntrackMode>(f.conntrack),
      icmpValidation: f['no-icmp-validation'] === true ? false : undefined,
      signatures: f['no-signatures'] === true ? false : undefined,
      os: f['no-os'] === true ? false : undefined,
      restrictIp: opt<string[]>(f['restrict-ip']),
      signatureFiles: opt<string[]>(f.signatures),
      osFiles: opt<string[]>(f['os-db']),
      autoDl: f['no-auto-dl'] === true ? false : opt<string>(f['auto-dl']),
      reputation: opt<string[]>(f.reputation),
      snortSids: f['no-snort-sids'] === true ? false : undefined,
    },
  }
}

/**
 * Returns the packet criteria of the flags in the `--fields` language: `--fields` itself and the
 * `field:criterion` items of `--csv-fields`, which filter packets for every output (counted as
 * `fields`). Throws UsageError for a bad `--csv-fields`.
 */
export function packetCriteria(f: Record<string, unknown>): string[] {
  const fields = opt<string>(f.fields)
  const csv = opt<string>(f['csv-fields'])
  const fromCsv = csv === undefined ? [] : parsePacketFields(csv).criteria.map((c) => `${c.field}:${c.text}`)
  return [...(fields === undefined ? [] : [fields]), ...fromCsv]
}

/** Builds the batch request (analyze, report) from parsed analysis flags; `clock` gives the run's now. */
export function batchRequest(files: string[], f: Record<string, unknown>, version: string, clock: Clock): BatchRequest {
  return {
    plan: {
      config: configRequest(f),
      since: opt<string>(f.since) ?? null,
      until: opt<string>(f.until) ?? null,
      criteria: packetCriteria(f),
      includeAllowed: f['include-allowed'] === true,
      floodScoring: f['no-flood-scoring'] !== true,
      year: opt<number>(f.year),
      maxLineLength: opt<number>(f['max-line-length']) ?? DEFAULT_MAX_LINE,
      now: clock.now(),
    },
    files,
    journal: f.journal === true,
    threads: opt<number>(f.threads),
    version,
  }
}

/** Builds the output request from parsed output flags and the configuration's DShield id. */
export function outputRequest(f: Record<string, unknown>, configUserId: string, colour = false): OutputRequest {
  return {
    format: f.format as string | undefined,
    outputs: (f.output as string[] | undefined) ?? [],
    csvTable: f['csv-table'] as string | undefined,
    csvFields: f['csv-fields'] as string | undefined,
    dshieldUserId: (f['dshield-user-id'] as string | undefined) ?? configUserId,
    dshieldTimeZone: (f['dshield-tz'] as string | undefined) ?? 'local',
    top: (f.top as number | undefined) ?? 20,
    colour,
  }
}

/** Builds the enrichment request (null without --dns and --whois); throws UsageError for a bad server or a lone option. */
export function enrichRequest(f: Record<string, unknown>): EnrichRequest | null {
  const dns = f.dns === true
  const whois = f.whois === true
  if (!dns && f['dns-server'] !== undefined) throw new UsageError('--dns-server needs --dns')
  if (!whois && f['whois-server'] !== undefined) throw new UsageError('--whois-server needs --whois')
  if (!dns && !whois) return null
  return {
    dns,
    whois,
    minDangerLevel: opt<number>(f['enrich-min-dl']) ?? 3,
    max: opt<number>(f['enrich-max']) ?? 50,
    timeoutMs: (opt<number>(f['enrich-timeout']) ?? 10) * 1000,
    dnsServer: f['dns-server'] === undefined ? null : parseServer(String(f['dns-server']), '--dns-server', 53, true),
    whoisServer: f['whois-server'] === undefined ? null : parseServer(String(f['whois-server']), '--whois-server', 43, false),
  }
}
