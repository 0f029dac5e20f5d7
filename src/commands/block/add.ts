import { Args, Flags } from '@oclif/core'
import { BlockCommand, blockFlags } from '../../cli/block-command.js'
import { durationFlag } from '../../cli/watch-flags.js'

export default class BlockAdd extends BlockCommand {
  static override summary = 'Block an address or network now (never-blocked ones are refused).'
  static override examples = ['<%= config.bin %> block add 203.0.113.7', '<%= config.bin %> block add 198.51.100.0/24 --timeout 1h']
  static override args = { target: Args.string({ description: 'IPv4/IPv6 address or network (CIDR).', required: true }) }
  static override flags = { ...blockFlags, timeout: Flags.string({ summary: 'How long (e.g. 1h, 7d; 0: permanent). Default: the DL 5 timeout (AUTO_BLOCK_DL5_TIMEOUT).' }) }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BlockAdd)
    const { result } = await this.operate(flags, { op: 'block-add', target: args.target, timeout: durationFlag(flags.timeout, '--timeout') })
    await this.out(`${String(result)}\n`)
  }
}
