import { availableParallelism } from 'node:os'
import { Flags } from '@oclif/core'
import type { AnalyzeRequest } from '../analyze.js'
import type { ConfigRequest } from '../config/bundle.js'
import type { ConntrackMode } from '../config/settings.js'
import type { Clock } from '../core/clock.js'
import { FORMATS, type OutputRequest } from '../report/outputs.js'
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
  threads: Flags.integer({ summary: 'Threads parsing file inputs (default: the number of CPUs, at most 4; 0: none).', min: 0, max: 64 }),
  verbose: Flags.boolean({ char: 'v', summary: 'Print warnings about signatures and configuration keys.' }),
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

/** Builds the core request from parsed analysis flags. */
export function analyzeRequest(files: string[], f: Record<string, unknown>, version: string, clock: Clock): AnalyzeRequest {
  return {
    files,
    journal: f.journal === true,
    config: configRequest(f),
    since: opt<string>(f.since) ?? null,
    until: opt<string>(f.until) ?? null,
    year: opt<number>(f.year),
    fields: opt<string>(f.fields) ?? null,
    maxLineLength: opt<number>(f['max-line-length']) ?? DEFAULT_MAX_LINE,
    threads: opt<number>(f.threads) ?? Math.min(4, availableParallelism()),
    version,
    clock,
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
