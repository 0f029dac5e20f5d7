import { Flags } from '@oclif/core'
import { BaseCommand } from '../../cli/base-command.js'
import { loadConfigBundle } from '../../config/bundle.js'
import { renderShow, showRows } from '../../config/inspect-text.js'
import { originText } from '../../config/provenance.js'
import { configFlags, configRequest } from '../../cli/flags.js'

export default class ConfigShow extends BaseCommand {
  static override summary = 'Print the effective configuration and where each value came from.'
  static override description = `Every setting portsleuth acts on, with its value and its origin: "default", the file:line
of psad.conf that set it, or the command-line flag that overrode it. Keys psad.conf may set but portsleuth
does not use are listed by 'config check'.`

  static override examples = [
    '<%= config.bin %> config show --psad-dir /etc/psad',
    '<%= config.bin %> config show -c psad.conf --min-dl 3 --json',
  ]

  static override flags = {
    ...configFlags,
    json: Flags.boolean({ summary: 'Print JSON: [{key, value, from, origin}].' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(ConfigShow)
    const bundle = await loadConfigBundle(configRequest(flags))
    if (flags.json) {
      const rows = showRows(bundle).map((r) => ({ key: r.key, value: r.value, from: originText(r.origin), origin: r.origin }))
      await this.out(`${JSON.stringify(rows, null, 2)}\n`)
    } else await this.out(renderShow(bundle))
    if (bundle.warnings.length > 0) this.note(`${bundle.warnings.length} warning(s); see '${this.config.bin} config check'`)
  }
}
