import path from 'node:path'
import type { Clock } from '../core/clock.js'
import type { LogFn } from '../respond/alert/index.js'
import { configure, type WatchConfig } from './configure.js'
import { controlRequest, NoWatcherError, SOCKET_NAME, type ControlRequest } from './control.js'
import type { WatchRequest } from './request.js'

// The commands that talk to a watcher (status, block): ask the one running on the state directory
// through its socket, or — when none answers — work on the saved state themselves.

/** Either the running watcher's answer, or the configuration to work on the saved state with. */
export type Reached = { running: true; result: unknown } | { running: false; config: WatchConfig; why: NoWatcherError }

/** Sends `req` to the watcher of the request's state directory; compiles the configuration when none runs. */
export async function reachWatcher(req: WatchRequest, op: ControlRequest): Promise<Reached> {
  const config = await configure(req)
  try {
    return { running: true, result: await controlRequest(path.join(config.settings.stateDir, SOCKET_NAME), op) }
  } catch (err) {
    if (!(err instanceof NoWatcherError)) throw err
    return { running: false, config, why: err }
  }
}

/** A diagnostics sink for the short-lived commands: warnings and errors on stderr. */
export function stderrLog(verbose: boolean): LogFn {
  return (level, message) => {
    if ((level === 'info' || level === 'debug') && !verbose) return
    process.stderr.write(`portsleuth: ${level === 'info' ? '' : `${level}: `}${message}\n`)
  }
}

export type { Clock }
