#!/usr/bin/env node
// A stand-in for `journalctl -f -o json` in tests, named through PORTSLEUTH_JOURNALCTL or the
// Follower's journalctl option. It prints the lines of $STANDIN_RECORDS (one JSON record per line,
// printed as they are, so tests can add broken ones) and follows the file for new lines.
// It honours --after-cursor=C (starts after the record whose __CURSOR is C), --since=@SECONDS,
// --lines=0 (from the end), --no-tail (from the start); with none of them, the last 10 records.
// $STANDIN_ARGS: a file to which each run appends its arguments as a JSON line, once it has fixed
// where it starts (so a record added after that line is there is printed, also with --lines=0).
// $STANDIN_DIE_AFTER=N: exit with status 3 after printing N records; with $STANDIN_DIE_MARK, only
// when that file does not exist yet (it is then created: one death); with $STANDIN_DIE_MIDLINE,
// print the first bytes of the next record before dying.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'

const env = process.env
const args = process.argv.slice(2)
const option = (name) => {
  const a = args.find((x) => x.startsWith(`--${name}=`))
  return a === undefined ? null : a.slice(name.length + 3)
}
const records = () => {
  const text = existsSync(env.STANDIN_RECORDS) ? readFileSync(env.STANDIN_RECORDS, 'utf8') : ''
  return text.split('\n').slice(0, -1)
}
const field = (line, name) => {
  try {
    return JSON.parse(line)[name] ?? null
  } catch {
    return null
  }
}

const all = records()
const after = option('after-cursor')
const since = option('since')
let at
if (after !== null) at = all.findIndex((l) => field(l, '__CURSOR') === after) + 1
else if (since !== null) {
  const us = Number(since.slice(1)) * 1e6
  at = all.findIndex((l) => Number(field(l, '__REALTIME_TIMESTAMP')) >= us)
  if (at < 0) at = all.length
} else if (args.includes('--lines=0')) at = all.length
else if (args.includes('--no-tail')) at = 0
else at = Math.max(0, all.length - 10)
if (env.STANDIN_ARGS) appendFileSync(env.STANDIN_ARGS, `${JSON.stringify(args)}\n`)

const dieAfter = env.STANDIN_DIE_AFTER === undefined ? null : Number(env.STANDIN_DIE_AFTER)
let printed = 0
function tick() {
  const now = records()
  while (at < now.length) {
    if (dieAfter !== null && printed === dieAfter && !(env.STANDIN_DIE_MARK && existsSync(env.STANDIN_DIE_MARK))) {
      if (env.STANDIN_DIE_MARK) writeFileSync(env.STANDIN_DIE_MARK, '')
      if (env.STANDIN_DIE_MIDLINE) process.stdout.write(now[at].slice(0, 12))
      process.stderr.write('stand-in: dying as told\n')
      process.exit(3)
    }
    process.stdout.write(`${now[at]}\n`)
    at++
    printed++
  }
}
tick()
if (args.includes('--follow')) setInterval(tick, 50)
