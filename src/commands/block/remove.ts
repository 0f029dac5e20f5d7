import { Args } from '@oclif/core'
import { BlockCommand, blockFlags } from '../../cli/block-command.js'

export default class BlockRemove extends BlockCommand {
  static override summary = 'Lift a block (by its network, or any address it covers).'
  static override examples = ['<%= config.bin %> block remove 203.0.113.7', '<%= config.bin %> block remove 2001:db8:1:2::/64']
  static override args = { target: Args.string({ description: 'IPv4/IPv6 address or network (CIDR).', required: true }) }
  static override flags = blockFlags

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlockRemove)
    const { result } = await this.operate(flags, { op: 'block-remove', target: args.target })
    await this.out(`${String(result)}\n`)
  }
}
