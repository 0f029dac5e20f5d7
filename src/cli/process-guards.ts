import { EXIT } from '../core/errors.js'
import { systemReason } from '../core/system-error.js'
import { removeTemporaryOutputs } from '../report/output-target.js'

// What the process does when the world goes away under it: a closed or failing standard output,
// a signal. Only the command layer exits; these are the exits that cannot wait for a command's catch.

let installed = false
const signalListeners: [NodeJS.Signals, () => void][] = []

// 128 + the signal number, as shells report a command killed by it.
const SIGNAL_EXIT: [NodeJS.Signals, number][] = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]

/**
 * Installs, once per process: a closed stdout (`portsleuth … | head`) ends the process quietly with
 * status 0; any other stdout error (a full disk, `> /dev/full`) prints one line and exits 4; SIGINT,
 * SIGTERM and SIGHUP exit 130, 143 and 129; every exit removes the temporary files of outputs not
 * yet in place.
 */
export function guardProcess(): void {
  if (installed) return
  installed = true
  // @oclif/core's own listener rethrows every error but EPIPE from inside the stream (a stack trace,
  // exit 1); this one replaces it.
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok)
    process.stderr.write(`portsleuth: cannot write standard output: ${systemReason(err)}\n`)
    process.exit(EXIT.input)
  })
  process.on('exit', removeTemporaryOutputs)
  for (const [signal, code] of SIGNAL_EXIT) {
    const listener = (): void => {
      removeTemporaryOutputs()
      process.exit(code)
    }
    signalListeners.push([signal, listener])
    process.once(signal, listener)
  }
}

/** Takes back the signal exits, for a command that handles SIGINT, SIGTERM and SIGHUP itself (watch). */
export function releaseSignals(): void {
  for (const [signal, listener] of signalListeners.splice(0)) process.off(signal, listener)
}
