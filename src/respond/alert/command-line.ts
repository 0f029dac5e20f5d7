import { split } from 'shlex'
import { ConfigError } from '../../core/errors.js'
import { oneLine } from './safe-text.js'

// psad's EXTERNAL_SCRIPT is a command line with a SRCIP token for the source address. We never
// give it to a shell: it is split into argv once, at start (POSIX shell quoting rules via shlex:
// quotes and backslashes honoured, `$(...)`, `;`, `|` and globs are plain characters), and SRCIP
// is replaced only when it is a whole argument, by the address as one argument. An argument that
// merely contains SRCIP (`--ip=SRCIP`) is refused at start rather than passed on unreplaced;
// the address is also in $PORTSLEUTH_IP. psad replaces the first SRCIP anywhere in the string.

export const SRCIP = 'SRCIP'

export interface ExternalCommand {
  file: string
  /** Arguments; each SRCIP here is replaced by the address. */
  args: readonly string[]
}

/** Returns the argv template of a command line; throws ConfigError (naming `key`) for unbalanced quotes, an empty line or SRCIP inside an argument. */
export function parseCommand(text: string, key = 'EXTERNAL_SCRIPT'): ExternalCommand {
  let argv: string[]
  try {
    argv = split(text)
  } catch (err) {
    throw new ConfigError(`${key}: cannot split '${oneLine(text, 200)}' into arguments: ${err instanceof Error ? err.message.toLowerCase() : String(err)}`, 'balance the quotes; the line is split like a shell would, but never run by one')
  }
  const [file, ...args] = argv
  if (file === undefined || file === '') throw new ConfigError(`${key}: no command given`)
  if (file.includes(SRCIP)) throw new ConfigError(`${key}: the command itself cannot be ${SRCIP}`)
  for (const a of args) {
    if (a !== SRCIP && a.includes(SRCIP)) {
      throw new ConfigError(
        `${key}: argument '${oneLine(a, 200)}' has ${SRCIP} inside it; ${SRCIP} is replaced only as a whole argument`,
        `make it an argument of its own (e.g. ${file} ${SRCIP}); the address is also in $PORTSLEUTH_IP`,
      )
    }
  }
  return { file, args }
}

/** Returns the argv for one address: every SRCIP argument replaced by `ip`. */
export function commandArgv(cmd: ExternalCommand, ip: string): string[] {
  return cmd.args.map((a) => (a === SRCIP ? ip : a))
}
