import { BaseCommand } from '../../cli/base-command.js'
import { configFlags, configRequest } from '../../cli/flags.js'
import { Flags } from '@oclif/core'
import { loadConfigBundle } from '../../config/bundle.js'
import { DEFAULT_CONFIG_FILE, loadWatchSettings } from '../../config/portsleuth-conf.js'
import { ConfigError } from '../../core/errors.js'
import { renderCheck } from '../../config/inspect-text.js'
import { EXIT } from '../../core/errors.js'

export default class ConfigCheck extends BaseCommand {
  static override summary = 'Load and validate the configuration and every data file it names.'
  static override description = `Reads psad.conf (or a psad directory), auto_dl, snort_rule_dl, Snort rules, reputation lists,
signatures and OS fingerprint files, and reports what was loaded, warnings and the psad.conf keys portsleuth
accepts but does not use; and portsleuth.conf (--config-file, default ${DEFAULT_CONFIG_FILE} when present).
Exit 0 when everything loads, 3 on any error (each named by file:line).`

  static override examples = [
    '<%= config.bin %> config check --psad-dir /etc/psad',
    '<%= config.bin %> config check -c psad.conf --auto-dl auto_dl --reputation drop.txt:5:spamhaus-drop',
  ]

  static override flags = {
    ...configFlags,
    'config-file': Flags.string({ summary: `portsleuth configuration file (default ${DEFAULT_CONFIG_FILE}, if present).` }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(ConfigCheck)
    const bundle = await loadConfigBundle(configRequest(flags), { collect: true })
    try {
      const { file } = await loadWatchSettings(flags['config-file'] ?? null)
      if (file !== null) bundle.loaded.push({ what: 'portsleuth.conf', path: file, detail: 'watch settings', origin: flags['config-file'] === undefined ? { kind: 'default' } : { kind: 'flag', flag: '--config-file' } })
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      bundle.errors.push(err)
    }
    await this.out(renderCheck(bundle))
    for (const err of bundle.errors) {
      this.note(err.message)
      if (err.hint !== undefined) this.hint(err.hint)
    }
    if (bundle.errors.length > 0) this.exit(EXIT.config)
  }
}
