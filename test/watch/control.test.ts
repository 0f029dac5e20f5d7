import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { UsageError } from '../../src/core/errors.js'
import { ControlServer, controlRequest, NoWatcherError } from '../../src/watch/control.js'

const dir = mkdtempSync(path.join(tmpdir(), 'psl-control-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('control socket', () => {
  test('one JSON request, one JSON answer; errors keep their exit status; mode 0600', async () => {
    const sock = path.join(dir, 'a.sock')
    const server = await ControlServer.listen(sock, async (req) => {
      if (req.op === 'echo') return { got: req.value }
      throw new UsageError(`unknown op '${req.op}'`)
    })
    try {
      expect(statSync(sock).mode & 0o777).toBe(0o600)
      expect(await controlRequest(sock, { op: 'echo', value: [1, 'x'] })).toEqual({ got: [1, 'x'] })
      await expect(controlRequest(sock, { op: 'nope' })).rejects.toMatchObject({ message: "unknown op 'nope'", exit: 2 })
      const raw = await new Promise<string>((resolve) => {
        const c = createConnection(sock)
        let buf = ''
        c.on('data', (d) => (buf += d))
        c.on('end', () => resolve(buf))
        c.write('not json\n')
      })
      expect(JSON.parse(raw)).toMatchObject({ ok: false, exit: 2, error: expect.stringMatching(/^bad request/) })
    } finally {
      await server.close()
    }
  })

  test('no watcher: NoWatcherError (exit 6) for a missing or stale socket, which the next watcher replaces', async () => {
    const sock = path.join(dir, 'b.sock')
    await expect(controlRequest(sock, { op: 'status' })).rejects.toBeInstanceOf(NoWatcherError)
    const first = await ControlServer.listen(sock, async () => 1)
    await expect(ControlServer.listen(sock, async () => 2)).rejects.toThrow(/another watcher is running/)
    await first.close()
    await expect(controlRequest(sock, { op: 'status' })).rejects.toMatchObject({ exit: 6 })
    const second = await ControlServer.listen(sock, async () => 2)
    expect(await controlRequest(sock, { op: 'status' })).toBe(2)
    await second.close()
    // A watcher killed with -9 leaves its socket file behind, with nothing listening.
    execFileSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)', sock])
    expect(statSync(sock).isSocket()).toBe(true)
    await expect(controlRequest(sock, { op: 'status' })).rejects.toBeInstanceOf(NoWatcherError)
    const third = await ControlServer.listen(sock, async () => 3)
    expect(await controlRequest(sock, { op: 'status' })).toBe(3)
    await third.close()
  })
})
