import { Flags } from '@oclif/core'
import { BlockCommand, blockFlags } from '../../cli/block-command.js'
import { printable } from '../../core/excerpt.js'
import type { BlockView } from '../../watch/block-desk.js'

export default class BlockList extends BlockCommand {
  static override summary = 'List the blocks in force, with their time left.'
  static override examples = ['<%= config.bin %> block list', '<%= config.bin %> block list --format json --state-dir /var/lib/portsleuth']
  static override flags = { ...blockFlags, format: Flags.string({ char: 'f', summary: 'text or json.', options: ['text', 'json'], default: 'text' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(BlockList)
    const blocks = (await this.operate(flags, { op: 'block-list' })).result as BlockView[]
    if (flags.format === 'json') return this.out(`${JSON.stringify(blocks, null, 2)}\n`)
    if (blocks.length === 0) return this.out('no blocks\n')
    const rows = blocks.map((b) => `${b.target.padEnd(24)} DL ${b.dangerLevel}  ${b.remaining === null ? 'permanent'.padEnd(10) : `${b.remaining} s`.padEnd(10)}  since ${new Date(b.since).toISOString()}  ${printable(b.reason)}`)
    await this.out(`${rows.join('\n')}\n`)
  }
}
