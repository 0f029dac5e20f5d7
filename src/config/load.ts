import { parsePsadConf, resolveEntries, type ConfEntry } from './psad-conf.js'
import { applyConf } from './schema.js'
import { defaultSettings, type Settings } from './settings.js'
import { readConfigText } from './read-text.js'

/** Settings read from a psad.conf, with the keys it set that portsleuth does not use. */
export interface LoadedConfig {
  settings: Settings
  file: string | null
  ignoredKeys: string[]
  /** Every key the file set, after `$VAR` expansion, with its file:line (see provenance.ts). */
  entries: Map<string, ConfEntry[]>
}

// A setting: `NAME value;` (see read-text.ts: quoting files).
const PSAD_CONF_SHAPE = { test: /^[A-Za-z_][A-Za-z0-9_]*\s+[^;]*;/, kind: "a 'NAME value;' setting", expected: "'NAME value;'" }

/** Reads a psad-format configuration file onto the defaults; throws ConfigError (exit 3) on any problem. */
export async function loadConfig(file: string | null): Promise<LoadedConfig> {
  const settings = defaultSettings()
  if (file === null) return { settings, file: null, ignoredKeys: [], entries: new Map() }
  const resolved = resolveEntries(parsePsadConf(await readConfigText(file, 'configuration file', { shape: PSAD_CONF_SHAPE }), file))
  const ignoredKeys = applyConf(settings, resolved)
  return { settings, file, ignoredKeys, entries: resolved }
}
