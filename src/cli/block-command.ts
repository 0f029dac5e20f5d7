import { BaseCommand } from './base-command.js'
import { watchConfigFlags, watchRequest } from './watch-flags.js'
import { Flags } from '@oclif/core'
import { systemClock } from '../core/clock.js'
import { stderrLog } from '../watch/client.js'
import { blockOperation, type BlockOp, type BlockOutcome } from '../watch/block-ops.js'

/** Flags of every `block` command: the state directory and the configuration (used when no watcher runs). */
export const blockFlags = {
  ...watchConfigFlags,
  'block-backend': Flags.string({ summary: 'With no watcher running: nftables, iptables, ipset or dry-run (default: as watch chooses).', options: ['nftables', 'iptables', 'ipset', 'dry-run'] }),
}

/** The shared body of the `block` commands: one operation, through the watcher or on the saved state. */
export abstract class BlockCommand extends BaseCommand {
  /** Runs `op` with the parsed flags and prints what a note needs to say. */
  protected async operate(flags: Record<string, unknown>, op: BlockOp): Promise<BlockOutcome> {
    const req = watchRequest([], flags, this.config.version, systemClock)
    const outcome = await blockOperation(req, op, { clock: systemClock, out: process.stdout, log: stderrLog(flags.verbose === true) })
    if (!outcome.running) this.note('no watcher is running: acted on the firewall and the saved state directly')
    for (const n of outcome.notes) this.note(n)
    return outcome
  }
}
