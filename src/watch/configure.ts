import { compilePlan, type Plan } from '../config/plan.js'
import { defaultWatchSettings, loadWatchSettings, type WatchSettings } from '../config/portsleuth-conf.js'
import type { WatchRequest } from './request.js'

// A watcher's configuration: the same compiled plan `analyze` uses (psad.conf, signatures, lists),
// portsleuth.conf's watch settings, and the flags over both. Compiled at start and again on SIGHUP;
// a configuration that fails to compile is refused whole.

/** The configuration a watcher runs with. */
export interface WatchConfig {
  plan: Plan
  settings: WatchSettings
  /** The portsleuth.conf read, null when none (defaults). */
  configFile: string | null
  /** Blocking is on (--block, or psad.conf's ENABLE_AUTO_IDS Y without --no-block), and what turned it on. */
  blocking: boolean
  blockingBy: 'flag' | 'psad.conf'
}

/** Compiles the configuration of `req`; throws UsageError or ConfigError. */
export async function configure(req: WatchRequest): Promise<WatchConfig> {
  const plan = await compilePlan(req.plan)
  const { settings: fromFile, file } = await loadWatchSettings(req.configFile)
  const settings: WatchSettings = { ...defaultWatchSettings(), ...fromFile }
  for (const [k, v] of Object.entries(req.overrides)) if (v !== undefined) (settings as unknown as Record<string, unknown>)[k] = v
  return { plan, settings, configFile: file, blocking: req.block ?? plan.settings.blocking.enabled, blockingBy: req.block === undefined ? 'psad.conf' : 'flag' }
}
