import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import type { Checkpoint } from '../../src/sources/follow/checkpoint.js'
import { Follower, type FollowOptions, type InputSpec } from '../../src/sources/follow/follower.js'

// Runs a Follower in a process of its own, for tests that need one: standard input, dropped
// capabilities, kill -9. argv[2] is JSON { specs, options, journal? }.
// With `journal` (a file), each delivery is appended to it as one JSON line {input, text,
// checkpoint} in a single write, so a kill -9 leaves only whole records, and a restart resumes
// from the last checkpoint of each input found there: the lead's "lines and checkpoint saved
// together". Without it, deliveries are printed to stdout the same way.
// Diagnostics go to stderr as `level message`. Exits 0 when every input ended, or on SIGTERM.

interface Args {
  specs: InputSpec[]
  options?: FollowOptions
  journal?: string
}

const args = JSON.parse(process.argv[2]!) as Args
const checkpoints = new Map<string, Checkpoint>()
if (args.journal !== undefined && existsSync(args.journal)) {
  for (const line of readFileSync(args.journal, 'utf8').split('\n')) {
    if (line === '') continue
    const r = JSON.parse(line) as { input: string; checkpoint: Checkpoint | null }
    if (r.checkpoint !== null) checkpoints.set(r.input, r.checkpoint)
  }
}
const out = args.journal === undefined ? 1 : openSync(args.journal, 'a')

const follower = new Follower(
  args.specs,
  [...checkpoints.values()],
  { ...args.options, log: (level, message) => process.stderr.write(`${level} ${message}\n`) },
  (d) => {
    writeSync(out, `${JSON.stringify({ input: d.input, text: d.bytes.toString('latin1'), checkpoint: d.checkpoint })}\n`)
  },
)
process.on('SIGTERM', () => {
  void follower.stop().then(() => process.exit(0))
})
await follower.start()
process.stderr.write('info started\n')
await follower.ended()
if (out !== 1) closeSync(out)
process.stderr.write(`info ended ${JSON.stringify(follower.status())}\n`)
