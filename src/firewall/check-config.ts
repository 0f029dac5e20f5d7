import { access } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../core/errors.js'
import type { LogPolicy } from './verdict.js'

// fw-check needs only three psad.conf keys (FW_SEARCH_ALL, FW_MSG_SEARCH, ENABLE_IPV6_DETECTION), so
// it reads psad.conf alone rather than the whole bundle (signatures, auto_dl, OS databases), whose
// errors would not concern the firewall.

export interface CheckSettings {
  logPolicy: LogPolicy
  ipv6: boolean
}

/** Reads the settings from `-c FILE` or `--psad-dir DIR` (defaults without either); throws ConfigError. */
export async function loadCheckSettings(configFile: string | null, psadDir: string | null): Promise<CheckSettings> {
  let file = configFile
  if (psadDir !== null) {
    file = path.join(psadDir, 'psad.conf')
    try {
      await access(file)
    } catch {
      throw new ConfigError(`--psad-dir ${psadDir}: no psad.conf in that directory`)
    }
  }
  const { settings } = await loadConfig(file)
  const f = settings.filters
  return { logPolicy: { searchAll: f.fwSearchAll, search: f.fwMsgSearch }, ipv6: f.ipv6 }
}
