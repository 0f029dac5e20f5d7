import { Flags } from '@oclif/core'
import type { AnalyzeRequest } from '../analyze.js'
import type { ConntrackMode } from '../config/settings.js'
import type { Clock } from '../core/clock.js'
import { FORMATS, type OutputRequest } from '../report/outputs.js'
import { DEFAULT_MAX_LINE } from '../sources/lines.js'

// Flags shared by the commands that analyse logs (analyze, report), and their translation into the
// typed requests of the core: commands only parse.

export const analysisFlags = {
  config: Flags.string({ char: 'c', summary: 'psad-format configuration file (psad.conf).' }),
  signatures: Flags.string({ summary: 'Signature file replacing the bundled set (psad format); repeatable.', multiple: true, multipleNonGreedy: true }),
  'no-signatures': Flags.boolean({ summary: 'Do not match signatures.' }),
  'os-db': Flags.string({ summary: "Extra OS fingerprint file: psad's or p0f's pf.os, or psad's posf; repeatable.", multiple: true, multipleNonGreedy: true }),
  'no-os': Flags.boolean({ summary: 'No passive OS fingerprinting.' }),
  journal: Flags.boolean({ summary: 'Read the kernel log from journalctl -k (with --since/--until passed on).' }),
  since: Flags.string({ summary: 'Only packets at or after this time (2026-11-01, 24h, yesterday, …).' }),
  until: Flags.string({ summary: 'Only packets before this time.' }),
  year: Flags.integer({ summary: 'Year of RFC 3164 timestamps (default: inferred from the file time).', min: 1970, max: 9999 }),
  'restrict-ip': Flags.string({ summary: 'Only packets from or to this address or network; repeatable.', multiple: true, multipleNonGreedy: true }),
  fields: Flags.string({ summary: 'psad --analysis-fields criteria, e.g. "SRC:10.0.0.0/8, DPT:>1023".' }),
  conntrack: Flags.string({
    summary: 'ACK/RST handling: auto (drop stateful-firewall leftovers), ignore (psad: drop all), keep.',
    options: ['auto', 'ignore', 'keep'],
  }),
  'no-icmp-validation': Flags.boolean({ summary: 'Do not flag ICMP/ICMPv6 types and codes IANA does not assign.' }),
  'min-dl': Flags.integer({ summary: 'List sources from this danger level (psad MIN_DANGER_LEVEL).', min: 1, max: 5 }),
  'max-line-length': Flags.integer({ summary: 'Longer lines are counted as too-long and skipped.', min: 256, default: DEFAULT_MAX_LINE }),
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
}

/** Builds the core request from parsed analysis flags. */
export function analyzeRequest(files: string[], f: Record<string, unknown>, version: string, clock: Clock): AnalyzeRequest {
  return {
    files,
    journal: f.journal === true,
    configFile: (f.config as string | undefined) ?? null,
    signatureFiles: (f.signatures as string[] | undefined) ?? null,
    signatures: f['no-signatures'] !== true,
    osFiles: (f['os-db'] as string[] | undefined) ?? [],
    os: f['no-os'] !== true,
    since: (f.since as string | undefined) ?? null,
    until: (f.until as string | undefined) ?? null,
    year: f.year as number | undefined,
    restrictIp: (f['restrict-ip'] as string[] | undefined) ?? [],
    fields: (f.fields as string | undefined) ?? null,
    conntrack: f.conntrack as ConntrackMode | undefined,
    icmpValidation: f['no-icmp-validation'] !== true,
    minDangerLevel: f['min-dl'] as number | undefined,
    maxLineLength: (f['max-line-length'] as number | undefined) ?? DEFAULT_MAX_LINE,
    version,
    clock,
  }
}

/** Builds the output request from parsed output flags and the configuration's DShield id. */
export function outputRequest(f: Record<string, unknown>, configUserId: string): OutputRequest {
  return {
    format: f.format as string | undefined,
    outputs: (f.output as string[] | undefined) ?? [],
    csvTable: f['csv-table'] as string | undefined,
    csvFields: f['csv-fields'] as string | undefined,
    dshieldUserId: (f['dshield-user-id'] as string | undefined) ?? configUserId,
    dshieldTimeZone: (f['dshield-tz'] as string | undefined) ?? 'local',
    top: (f.top as number | undefined) ?? 20,
  }
}
