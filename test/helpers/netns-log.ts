import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './cli.js'

// The kernel writes LOG/`log` output of a network namespace other than the first only while the
// global sysctl net.netfilter.nf_log_all_netns is 1. It is one value for the whole machine, so a
// test that needs it holds the lock the capture lab takes (scripts/capture/lab.sh: a capture run
// refuses to start while it is held, and this waits for a capture run to end) and puts the old value
// back when done. The e2e vitest project runs its files one at a time for the same reason.

const SYSCTL = '/proc/sys/net/netfilter/nf_log_all_netns'
const LAB_LOCK = path.join(ROOT, 'scripts', 'capture', 'lab.sh')

/** Kernel logging from namespaces, switched on; `release()` restores the sysctl and drops the lock. */
export interface NetnsLogging {
  release(): Promise<void>
}

/** Takes the lab's lock (waiting up to `waitS` s), then sets nf_log_all_netns to 1. Throws when the lock cannot be had. */
export async function enableNetnsLogging(waitS = 240): Promise<NetnsLogging> {
  const holder = await holdLock(LAB_LOCK, waitS)
  let old: string
  try {
    old = readFileSync(SYSCTL, 'utf8').trim()
    writeFileSync(SYSCTL, '1\n')
  } catch (err) {
    await unlock(holder)
    throw err
  }
  return {
    async release() {
      try {
        writeFileSync(SYSCTL, `${old}\n`)
      } finally {
        await unlock(holder)
      }
    },
  }
}

// flock(1) holds the lock while its child (cat) runs; cat echoes our byte once the lock is ours, and
// ends (releasing it) when its input is closed.
async function holdLock(file: string, waitS: number): Promise<ChildProcess> {
  const child = spawn('flock', ['-w', String(waitS), file, 'cat'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`could not take the capture lab's lock ${file} in ${waitS} s (flock exit ${code}): ${err}`)))
    child.stdin!.write('x\n')
  })
  return child
}

function unlock(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.stdin!.end()
  return done
}
