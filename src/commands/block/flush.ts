import { BlockCommand, blockFlags } from '../../cli/block-command.js'

export default class BlockFlush extends BlockCommand {
  static override summary = 'Lift every block.'
  static override examples = ['<%= config.bin %> block flush']
  static override flags = blockFlags

  async run(): Promise<void> {
    const { flags } = await this.parse(BlockFlush)
    const { result } = await this.operate(flags, { op: 'block-flush' })
    await this.out(`${String(result)} block(s) lifted\n`)
  }
}
