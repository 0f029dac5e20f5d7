import { access } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, UsageError } from '../core/errors.js'
import { loadFingerprints } from './os-files.js'
import type { OsDatabase } from '../detect/os/index.js'
import { BUNDLED_SIGNATURES, loadSignatures, type SignatureSet } from './signatures.js'
import { parseNetwork } from '../parse/address.js'
import type { AutoDl } from '../detect/auto-dl.js'
import { loadAutoDl } from './auto-dl.js'
import { loadConfig } from './load.js'
import { originText, Provenance, type Origin } from './provenance.js'
import { feedSources, loadReputation, parseReputationArg, type Reputation, type ReputationSource } from './reputation.js'
import type { ConntrackMode, DataFiles, Settings } from './settings.js'
import { loadSnortRuleDl, type SnortRuleDl } from './snort-rule-dl.js'
import { loadSnortRules, type SnortRuleInfo } from './snort-rules.js'

// Everything configuration-shaped a run uses, loaded and validated before the first log line: psad.conf
// (or a psad directory), command-line overrides, and the data files they name. `config check` loads it
// collecting every error; `analyze` can load it failing at the first.

/** Command-line settings that override the configuration file; undefined = not given. */
export interface ConfigOverrides {
  minDangerLevel?: number
  conntrack?: ConntrackMode
  /** false: --no-icmp-validation. */
  icmpValidation?: boolean
  /** false: --no-signatures. */
  signatures?: boolean
  /** false: --no-os. */
  os?: boolean
  restrictIp?: readonly string[]
  /** --signatures FILE…: replaces SIGS_FILE / the bundled set. */
  signatureFiles?: readonly string[]
  /** --os-db FILE…: added to the fingerprint files. */
  osFiles?: readonly string[]
  /** --auto-dl FILE, or false for --no-auto-dl. */
  autoDl?: string | false
  /** --reputation FILE[:DL[:NAME]]… */
  reputation?: readonly string[]
  /** false: --no-snort-sids (do not load Snort rules for fwsnort SIDs). */
  snortSids?: boolean
}

export interface ConfigRequest {
  configFile: string | null
  /** --psad-dir: psad.conf and the data files from this directory. */
  psadDir: string | null
  overrides: ConfigOverrides
}

/** One file or directory the bundle read, or looked for. */
export interface LoadedItem {
  what: 'config' | 'auto_dl' | 'snort_rule_dl' | 'snort_rules' | 'signatures' | 'os' | 'reputation' | 'portsleuth.conf'
  path: string
  /** `206 signatures`, `absent`, … */
  detail: string
  origin: Origin
}

export interface ConfigBundle {
  request: ConfigRequest
  settings: Settings
  provenance: Provenance
  configFile: string | null
  /** Keys the configuration set that portsleuth does not act on, each once. */
  ignoredKeys: string[]
  autoDl: AutoDl | null
  snortRuleDl: SnortRuleDl | null
  /** Snort rule metadata by SID (fwsnort), null when not loaded. */
  snortRules: Map<number, SnortRuleInfo> | null
  reputation: Reputation | null
  signatures: SignatureSet | null
  os: OsDatabase | null
  loaded: LoadedItem[]
  warnings: string[]
  /** Only in collect mode: every error found (otherwise the first is thrown). */
  errors: ConfigError[]
}

// psad's file names in its configuration directory (/etc/psad).
const PSAD_DIR_FILES: [keyof DataFiles, string][] = [
  ['autoDl', 'auto_dl'], ['snortRuleDl', 'snort_rule_dl'], ['signatures', 'signatures'], ['p0f', 'pf.os'],
  ['posf', 'posf'], ['snortRulesDir', 'snort_rules'], ['reputationFeedsDir', 'reputation_feeds'],
]
const FILE_KEYS: Record<keyof DataFiles, string> = {
  autoDl: 'AUTO_DL_FILE', snortRuleDl: 'SNORT_RULE_DL_FILE', snortRulesDir: 'SNORT_RULES_DIR', fwsnortRulesDir: 'FWSNORT_RULES_DIR',
  signatures: 'SIGS_FILE', p0f: 'P0F_FILE', posf: 'POSF_FILE', reputationFeedsDir: 'REPUTATION_FEEDS_DIR',
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p)
    return true
  } catch {
    return false
  }
}

function applyOverrides(s: Settings, o: ConfigOverrides, prov: Provenance): void {
  const flag = (key: string, name: string): void => prov.set(key, { kind: 'flag', flag: name })
  if (o.minDangerLevel !== undefined) {
    s.detection = { ...s.detection, minDangerLevel: o.minDangerLevel }
    flag('MIN_DANGER_LEVEL', '--min-dl')
  }
  if (o.conntrack !== undefined) {
    s.detection = { ...s.detection, conntrack: o.conntrack }
    flag('IGNORE_CONNTRACK_BUG_PKTS', '--conntrack')
  }
  if (o.icmpValidation === false) {
    s.detection = { ...s.detection, icmp: false, icmp6: false }
    flag('icmp-validation', '--no-icmp-validation')
  }
  if (o.signatures === false) {
    s.detection = { ...s.detection, signatures: false }
    flag('signatures', '--no-signatures')
  }
  if (o.os === false) {
    s.detection = { ...s.detection, os: false }
    flag('os-fingerprinting', '--no-os')
  }
  if (o.restrictIp !== undefined && o.restrictIp.length > 0) {
    const nets = o.restrictIp.map((text) => parseNetwork(text) ?? fail(`--restrict-ip: '${text}' is not an IPv4/IPv6 address or network`))
    s.filters = { ...s.filters, restrictIp: [...s.filters.restrictIp, ...nets] }
    flag('restrict-ip', '--restrict-ip')
  }
  if (o.signatureFiles !== undefined && o.signatureFiles.length > 0) flag('SIGS_FILE', '--signatures')
  if (o.osFiles !== undefined && o.osFiles.length > 0) flag('os-db', '--os-db')
  if (o.autoDl !== undefined) {
    s.files = { ...s.files, autoDl: o.autoDl === false ? null : path.resolve(o.autoDl) }
    flag('AUTO_DL_FILE', o.autoDl === false ? '--no-auto-dl' : '--auto-dl')
  }
  if (o.reputation !== undefined && o.reputation.length > 0) flag('reputation-list', '--reputation')
}

function fail(msg: string): never {
  throw new UsageError(msg)
}

/**
 * Loads configuration, overrides and data files. With `collect`, ConfigErrors are gathered in
 * `errors` and loading goes on; otherwise the first is thrown. Throws UsageError for a bad flag value.
 */
export async function loadConfigBundle(req: ConfigRequest, opts: { collect?: boolean } = {}): Promise<ConfigBundle> {
  const errors: ConfigError[] = []
  const warnings: string[] = []
  const loaded: LoadedItem[] = []
  const step = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn()
    } catch (err) {
      if (!(err instanceof ConfigError) || opts.collect !== true) throw err
      errors.push(err)
    }
  }
  const configFile = req.psadDir !== null ? path.join(req.psadDir, 'psad.conf') : req.configFile
  let conf = await loadConfig(null)
  await step(async () => {
    if (req.psadDir !== null && !(await exists(configFile!))) throw new ConfigError(`--psad-dir ${req.psadDir}: no psad.conf in that directory`)
    conf = await loadConfig(configFile)
    if (configFile !== null) loaded.push({ what: 'config', path: configFile, detail: `${conf.entries.size} keys, ${conf.ignoredKeys.length} not used`, origin: { kind: 'flag', flag: req.psadDir !== null ? '--psad-dir' : '--config' } })
  })
  const { settings } = conf
  const prov = Provenance.fromConf(conf.entries)
  if (req.psadDir !== null) {
    const files = { ...settings.files }
    for (const [key, name] of PSAD_DIR_FILES) {
      files[key] = path.resolve(req.psadDir, name)
      prov.set(FILE_KEYS[key], { kind: 'flag', flag: '--psad-dir' })
    }
    settings.files = files
  }
  applyOverrides(settings, req.overrides, prov)

  // A data file named by a flag must exist; one named by psad.conf may be absent (warning); one that
  // --psad-dir merely looks for may be absent (noted in `loaded`).
  const present = async (what: LoadedItem['what'], p: string, key: string): Promise<boolean> => {
    if (await exists(p)) return true
    const origin = prov.get(key)
    if (origin.kind === 'flag' && origin.flag !== '--psad-dir') throw new ConfigError(`${what} ${p} (from ${origin.flag}): not found`)
    // psad.conf itself says FWSNORT_RULES_DIR "may not exist" (fwsnort is optional): not a warning.
    if (origin.kind === 'file' && key !== 'FWSNORT_RULES_DIR') warnings.push(`${originText(origin)}: ${key} ${p} not found; skipped`)
    loaded.push({ what, path: p, detail: 'absent', origin })
    return false
  }

  const out: Pick<ConfigBundle, 'autoDl' | 'snortRuleDl' | 'snortRules' | 'reputation' | 'signatures' | 'os'> = {
    autoDl: null, snortRuleDl: null, snortRules: null, reputation: null, signatures: null, os: null,
  }
  const f = settings.files
  await step(async () => {
    if (f.autoDl === null || !(await present('auto_dl', f.autoDl, 'AUTO_DL_FILE'))) return
    out.autoDl = await loadAutoDl(f.autoDl)
    warnings.push(...out.autoDl.warnings)
    loaded.push({ what: 'auto_dl', path: f.autoDl, detail: `${out.autoDl.entries.length} entries`, origin: prov.get('AUTO_DL_FILE') })
  })
  await step(async () => {
    if (f.snortRuleDl === null || !(await present('snort_rule_dl', f.snortRuleDl, 'SNORT_RULE_DL_FILE'))) return
    out.snortRuleDl = await loadSnortRuleDl(f.snortRuleDl)
    warnings.push(...out.snortRuleDl.warnings)
    loaded.push({ what: 'snort_rule_dl', path: f.snortRuleDl, detail: `${out.snortRuleDl.size} SIDs`, origin: prov.get('SNORT_RULE_DL_FILE') })
  })
  if (req.overrides.snortSids !== false) {
    for (const [dir, key] of [[f.snortRulesDir, 'SNORT_RULES_DIR'], [f.fwsnortRulesDir, 'FWSNORT_RULES_DIR']] as const) {
      await step(async () => {
        if (dir === null || !(await present('snort_rules', dir, key))) return
        const before = out.snortRules?.size ?? 0
        const rules = await loadSnortRules(dir, { warnings })
        out.snortRules ??= new Map()
        for (const [sid, r] of rules) if (!out.snortRules.has(sid)) out.snortRules.set(sid, r)
        loaded.push({ what: 'snort_rules', path: dir, detail: `${out.snortRules.size - before} rules`, origin: prov.get(key) })
      })
    }
  }
  await step(async () => {
    const sources: ReputationSource[] = []
    if (settings.reputation.feeds.length > 0 && !settings.reputation.enabled) {
      warnings.push(`${originText(prov.get('ENABLE_REPUTATION_FEEDS'))}: ENABLE_REPUTATION_FEEDS is N; ${settings.reputation.feeds.length} REPUTATION_FEED line(s) not used`)
    } else {
      for (const src of feedSources(settings.reputation.feeds, f.reputationFeedsDir)) {
        if (await exists(src.file)) sources.push(src)
        else warnings.push(`${src.origin}: reputation feed '${src.name}': ${src.file} not found; skipped (fetch it first)`)
      }
    }
    sources.push(...(req.overrides.reputation ?? []).map(parseReputationArg))
    if (sources.length === 0) return
    out.reputation = await loadReputation(sources)
    for (const feed of out.reputation.feeds) {
      loaded.push({ what: 'reputation', path: feed.file, detail: `'${feed.name}' DL ${feed.dl}: ${feed.entries} entries${feed.skippedLines > 0 ? `, ${feed.skippedLines} lines without an address` : ''}`, origin: feed.origin === '--reputation' ? { kind: 'flag', flag: '--reputation' } : prov.get('REPUTATION_FEED') })
    }
  })
  if (settings.detection.signatures) {
    await step(async () => {
      const given = req.overrides.signatureFiles !== undefined && req.overrides.signatureFiles.length > 0 ? req.overrides.signatureFiles : null
      if (given === null && f.signatures !== null && !(await present('signatures', f.signatures, 'SIGS_FILE'))) f.signatures = null
      const files = given ?? (f.signatures === null ? [BUNDLED_SIGNATURES] : [f.signatures])
      out.signatures = await loadSignatures(files, { vars: settings.vars, strict: settings.signatureStrict })
      warnings.push(...out.signatures.warnings)
      loaded.push({ what: 'signatures', path: files.join(', '), detail: `${out.signatures.signatures.length} signatures`, origin: given !== null ? { kind: 'flag', flag: '--signatures' } : prov.get('SIGS_FILE') })
    })
  }
  if (settings.detection.os) {
    await step(async () => {
      const files: string[] = []
      for (const [p, key] of [[f.p0f, 'P0F_FILE'], [f.posf, 'POSF_FILE']] as const) if (p !== null && (await present('os', p, key))) files.push(p)
      files.push(...(req.overrides.osFiles ?? []))
      out.os = await loadFingerprints(files)
      warnings.push(...out.os.warnings)
      loaded.push({ what: 'os', path: files.length === 0 ? 'bundled' : files.join(', '), detail: 'fingerprints', origin: files.length === 0 ? { kind: 'default' } : prov.get('P0F_FILE') })
    })
  }
  return { request: req, settings, provenance: prov, configFile, ignoredKeys: conf.ignoredKeys, ...out, loaded, warnings, errors }
}
