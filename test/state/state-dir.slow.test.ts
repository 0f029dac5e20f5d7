import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { ROOT, tempDir } from '../helpers/cli.js'

// The state directory as the system sees it: a read-only mount and a directory the user may not
// write are StateErrors (exit 4) that name the directory and the reason; a state file the user may
// not read is set aside like a damaged one. Needs root (mount namespaces, setpriv); each case runs a
// child process (test/state/open-child.mjs, the built code), so nothing here changes this process.

const CHILD = path.join(ROOT, 'test', 'state', 'open-child.mjs')
const NOBODY = 65534
const { dir: root, cleanup } = tempDir()
afterAll(cleanup)
chmodSync(root, 0o755)

interface Outcome {
  ok: boolean
  failed?: { name: string; message: string; exit: number } | null
  lines?: number
  restored?: boolean
  name?: string
  message?: string
  exit?: number
  log: string[]
}

function run(command: string, args: string[]): Outcome {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Outcome
}

const asRoot = (dir: string): Outcome => run(process.execPath, [CHILD, dir])
const asNobody = (dir: string): Outcome =>
  run('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CHILD, dir])

describe('state directories the process cannot use', () => {
  test('a read-only mount: StateError, exit 4, naming the directory and EROFS', () => {
    const dir = path.join(root, 'ro')
    mkdirSync(dir)
    expect(asRoot(dir)).toMatchObject({ ok: true, restored: false })
    // In a mount namespace of its own, so the read-only mount disappears with the child.
    const script = `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" "$3" "$1"`
    const out = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, process.execPath, CHILD])
    expect(out).toMatchObject({ ok: false, name: 'StateError', exit: 4, message: `state directory ${dir} is not writable: EROFS` })
  })

  test('a directory the user may not write: StateError, exit 4, EACCES', () => {
    const dir = path.join(root, 'root-only')
    mkdirSync(dir, { mode: 0o755 })
    expect(asNobody(dir)).toMatchObject({ ok: false, name: 'StateError', exit: 4, message: `state directory ${dir} is not writable: EACCES` })
    expect(asNobody(path.join(dir, 'below'))).toMatchObject({ ok: false, exit: 4, message: `state directory ${path.join(dir, 'below')} is not writable: EACCES` })
  })

  test('a full disk: the save fails with StateError (exit 4) and the previous save stays intact', () => {
    const dir = path.join(root, 'small')
    mkdirSync(dir)
    const script = `mount -t tmpfs -o size=2m tmpfs "$1" && exec "$2" "$3" "$1" fill`
    const out = run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, process.execPath, CHILD])
    expect(out).toMatchObject({ ok: true, lines: 1000, log: [] })
    expect(out.failed).toMatchObject({ name: 'StateError', exit: 4 })
    expect(out.failed!.message).toMatch(/^cannot save state: .*(full|disk)/)
  })

  test('a state file the user may not read is set aside, with a warning, and a new state starts', () => {
    const dir = path.join(root, 'unreadable')
    mkdirSync(dir)
    chownSync(dir, NOBODY, NOBODY)
    expect(asRoot(dir)).toMatchObject({ ok: true, restored: false })
    expect(asRoot(dir)).toMatchObject({ ok: true, restored: true })
    chmodSync(path.join(dir, 'state.db'), 0o000)
    const out = asNobody(dir)
    expect(out).toMatchObject({ ok: true, restored: false })
    expect(out.log).toHaveLength(1)
    expect(out.log[0]).toMatch(/^state file .*state\.db cannot be used \(.*\); moved to state\.db\.broken-\d{8}T\d{6}Z, starting with empty state$/)
    expect(readdirSync(dir).filter((f) => f.startsWith('state.db.broken-'))).toHaveLength(1)
  })
})
