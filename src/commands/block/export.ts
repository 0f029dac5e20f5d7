import { Flags } from '@oclif/core'
import { BlockCommand, blockFlags } from '../../cli/block-command.js'

export default class BlockExport extends BlockCommand {
  static override summary = 'Write the blocks in force as a file another firewall loads (nft -f, ipset restore) or JSON.'
  static override description = `With their remaining timeouts: how one watcher on a log collector protects many firewalls
(e.g. from cron: portsleuth block export --format nft > /tmp/b.nft && scp … && ssh fw nft -f /tmp/b.nft).`
  static override examples = ['<%= config.bin %> block export --format nft > blocks.nft', '<%= config.bin %> block export --format ipset | ipset restore']
  static override flags = { ...blockFlags, format: Flags.string({ char: 'f', summary: 'nft, ipset or json.', options: ['nft', 'ipset', 'json'], default: 'json' }) }

  async run(): Promise<void> {
    const { flags } = await this.parse(BlockExport)
    const { result } = await this.operate(flags, { op: 'block-export', format: flags.format as 'nft' | 'ipset' | 'json' })
    await this.out(String(result))
  }
}
