import type { WatchRequest } from './request.js'
import { reachWatcher } from './client.js'
import type { WatchDeps } from './request.js'
import { offlineDesk } from './offline.js'
import type { BlockDesk } from './block-desk.js'

// `portsleuth block list|add|remove|flush|export`: through the running watcher's socket, or — with none
// running — on the firewall and the saved state directly, so the state stays consistent either way.

export type BlockOp =
  | { op: 'block-list' }
  | { op: 'block-add'; target: string; timeout?: number }
  | { op: 'block-remove'; target: string }
  | { op: 'block-flush' }
  | { op: 'block-export'; format: 'nft' | 'ipset' | 'json' }

/** The result of a block operation and whether a watcher carried it out, plus notes for stderr. */
export interface BlockOutcome {
  result: unknown
  running: boolean
  notes: string[]
}

async function offline(desk: BlockDesk, op: BlockOp): Promise<unknown> {
  switch (op.op) {
    case 'block-list':
      return desk.list()
    case 'block-add':
      return desk.add(op.target, op.timeout)
    case 'block-remove':
      return desk.remove(op.target)
    case 'block-flush':
      return desk.flush()
    case 'block-export':
      return desk.export(op.format)
  }
}

/** Carries out a block operation. Throws UsageError (a target that does not parse or is never blocked), FirewallError. */
export async function blockOperation(req: WatchRequest, op: BlockOp, deps: WatchDeps): Promise<BlockOutcome> {
  const reached = await reachWatcher(req, op)
  if (reached.running) return { result: reached.result, running: true, notes: [] }
  const { desk, save, close } = await offlineDesk(reached.config, deps)
  try {
    const result = await offline(desk, op)
    await save()
    const notes: string[] = []
    if (op.op === 'block-add' && !desk.blocker.kernelTimeouts && (op.timeout ?? 1) !== 0 && desk.blocker.backend !== 'dry-run') {
      notes.push(`no watcher is running: nothing lifts this ${desk.blocker.backend} block when its time is up until 'portsleuth watch' runs (nftables and ipset expire blocks in the kernel)`)
    }
    return { result, running: false, notes }
  } finally {
    await close()
  }
}
