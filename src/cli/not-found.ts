import { toConfiguredId, type Hook } from '@oclif/core'
import notFound from '@oclif/plugin-not-found'
import { UsageError } from '../core/errors.js'
import { nearest } from '../core/nearest.js'

// A mistyped command (`portsleuth analyse kern.log`): exit 2 with "did you mean" as the hint. On a
// terminal (standard input and output both), @oclif/plugin-not-found asks "Did you mean analyze?"
// and runs it when confirmed; it never asks otherwise (cron, CI, pipes), and neither do we, so as
// not to write a question into a redirected report. Its own messages are replaced by ours (one style).

const hook: Hook.CommandNotFound = async function (opts) {
  const { config } = opts
  const ids = config.commands.filter((c) => !c.hidden).map((c) => c.id)
  // `analyse kern.log` arrives as id `analyse:kern.log`: name only the part that was meant as a command.
  const parts = opts.id.split(':')
  const typed = config.findTopic(parts[0]!) !== undefined ? parts.slice(0, 2) : parts.slice(0, 1)
  // A mistyped topic (`confg check`) is matched as a topic, then completed with the next word.
  const topics = config.topics.map((t) => t.name)
  let suggestion = nearest(typed.join(':'), [...ids, ...topics])
  if (suggestion !== null && !ids.includes(suggestion)) {
    const command = parts[1] === undefined ? undefined : `${suggestion}:${parts[1]}`
    suggestion = command !== undefined && ids.includes(command) ? command : suggestion
  }
  const message = `'${toConfiguredId(typed.join(':'), config)}' is not a ${config.bin} command`
  const list = `'${config.bin} help' lists the commands`
  const hint = suggestion === null ? list : `did you mean '${config.bin} ${toConfiguredId(suggestion, config)}'? ${list}`
  if (process.stdin.isTTY === true && process.stdout.isTTY === true) {
    const ours = {
      ...this,
      config,
      warn: (): void => {},
      error: (): never => {
        throw new UsageError(message, hint)
      },
    }
    // The plugin picks its own "closest" from the whole id (arguments included: `analyse:kern.log`
    // was closer to `alert:test` than to `analyze`); it is given our suggestion and the arguments.
    if (suggestion === null) throw new UsageError(message, hint)
    const argv = opts.argv !== undefined && opts.argv.length > 0 ? opts.argv : parts.slice(typed.length)
    return notFound.call(ours, { ...opts, id: suggestion, argv })
  }
  throw new UsageError(message, hint)
}

export default hook
