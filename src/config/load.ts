import { readFile } from 'node:fs/promises'
import { ConfigError } from '../core/errors.js'
import { parsePsadConf, resolveEntries } from './psad-conf.js'
import { applyConf } from './schema.js'
import { defaultSettings, type Settings } from './settings.js'

/** Settings read from a psad.conf, with the keys it set that portsleuth does not use. */
export interface LoadedConfig {
  settings: Settings
  file: string | null
  ignoredKeys: string[]
}

/** Reads a psad-format configuration file onto the defaults; throws ConfigError (exit 3) on any problem. */
export async function loadConfig(file: string | null): Promise<LoadedConfig> {
  const settings = defaultSettings()
  if (file === null) return { settings, file: null, ignoredKeys: [] }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  const resolved = resolveEntries(parsePsadConf(text, file))
  const ignoredKeys = applyConf(settings, resolved)
  return { settings, file, ignoredKeys }
}
