import { describe, expect, test } from 'vitest'
import { FirewallError } from '../../../src/core/errors.js'
import { execRunner, firewallError, isEnvironmental, runSteps, showCommand, stepArgv, type Command, type Runner, type Step } from '../../../src/respond/block/runner.js'

// Real processes (cat, sh, sleep, false): what execFile does with argv, stdin, exit codes and
// timeouts is the point, so nothing here is faked except in the runSteps ordering test.

const node = process.execPath

describe('execRunner', () => {
  test('argv reaches the program word for word, no shell in between', async () => {
    const r = await execRunner().run({ argv: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '1.2.3.4; rm -rf /', '$(id)', '*'] })
    expect(JSON.parse(r.stdout)).toEqual(['1.2.3.4; rm -rf /', '$(id)', '*'])
  })
  test('input goes to stdin', async () => {
    expect((await execRunner().run({ argv: ['cat'], input: 'add table inet x\n' })).stdout).toBe('add table inet x\n')
  })
  test('a prefix is put before every argv', async () => {
    const r = await execRunner({ prefix: ['env', 'PSL_MARK=1'] }).run({ argv: [node, '-e', 'console.log(process.env.PSL_MARK)'] })
    expect(r.stdout.trim()).toBe('1')
  })
  test('env is added (XTABLES_LOCKFILE)', async () => {
    const r = await execRunner({ env: { XTABLES_LOCKFILE: '/tmp/psl.lock' } }).run({ argv: [node, '-e', 'console.log(process.env.XTABLES_LOCKFILE)'] })
    expect(r.stdout.trim()).toBe('/tmp/psl.lock')
  })
  test('a failure names the command, exit status and stderr', async () => {
    const run = execRunner().run({ argv: [node, '-e', 'console.error("Error: no such table"); process.exit(3)', 'x y'] })
    await expect(run).rejects.toThrow(FirewallError)
    await expect(run).rejects.toThrow(/firewall command failed \(exit 3\): .*node -e .* 'x y': Error: no such table/)
    await expect(run).rejects.toMatchObject({ exit: 5, code: 'firewall' })
  })
  test('a probe returns an ordinary non-zero exit instead of throwing', async () => {
    expect((await execRunner().run({ argv: ['false'] }, { probe: true })).code).toBe(1)
  })
  test('a probe still throws for missing rights, with the root / CAP_NET_ADMIN hint', async () => {
    const run = execRunner().run({ argv: [node, '-e', 'console.error("iptables: Permission denied (you must be root)"); process.exit(4)'] }, { probe: true })
    await expect(run).rejects.toMatchObject({ hint: expect.stringContaining('CAP_NET_ADMIN') })
  })
  test('a missing program names its Debian package', async () => {
    const runner = execRunner({ env: { PATH: '/nonexistent-psl' } })
    await expect(runner.run({ argv: ['nft', 'list', 'tables'] })).rejects.toMatchObject({ message: expect.stringContaining("cannot run 'nft'"), hint: expect.stringContaining("Debian package 'nftables'") })
    await expect(runner.run({ argv: ['ip6tables', '-S'] }, { probe: true })).rejects.toMatchObject({ hint: expect.stringContaining("'iptables'") })
    await expect(runner.run({ argv: ['ipset', 'list'] })).rejects.toMatchObject({ hint: expect.stringContaining("'ipset'") })
  })
  test('a command that does not finish is killed and reported, not waited for', async () => {
    const t0 = Date.now()
    await expect(execRunner({ timeoutMs: 300 }).run({ argv: ['sleep', '10'] })).rejects.toThrow(/did not finish within 300 ms/)
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})

describe('firewallError', () => {
  const base = { code: 4, signal: null, errno: null, timedOut: false }
  test('held xtables lock gets its own hint', () => {
    const e = firewallError(['iptables-legacy', '-w', '1', '-N', 'X'], { ...base, stderr: 'Another app is currently holding the xtables lock. Stopped waiting after 1s.\n' }, 6000)
    expect(e.message).toContain('exit 4')
    expect(e.hint).toContain('xtables lock')
  })
  test('an unwritable lock file (iptables-legacy without root) gets a hint about the lock file, and is not a probe "no"', () => {
    const o = { ...base, code: 4, stderr: "Fatal: can't open lock file /run/xtables.lock: Permission denied\n" }
    expect(firewallError(['iptables-legacy', '-w', '5', '-S'], o, 6000).hint).toContain('XTABLES_LOCKFILE')
    expect(isEnvironmental(o)).toBe(true)
  })
  test('a program missing inside `ip netns exec` is recognised from its stderr', () => {
    const e = firewallError(['ip', 'netns', 'exec', 'v', 'ipset', 'list'], { ...base, code: 255, stderr: 'exec of "ipset" failed: No such file or directory\n' }, 1000)
    expect(e.hint).toContain("Debian package 'ipset'")
  })
  test('terminal control characters in stderr are stripped', () => {
    const e = firewallError(['nft'], { ...base, stderr: 'bad\x1b[31m red\x07' }, 1000)
    expect(e.message).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/)
  })
  test('showCommand quotes what a reader would misread', () => {
    expect(showCommand(['nft', 'add', 'element', 'inet', 't', 's', '{ 1.2.3.4/32 }'])).toBe("nft add element inet t s '{ 1.2.3.4/32 }'")
  })
})

describe('runSteps', () => {
  function fake(codes: Record<string, number>): { runner: Runner; ran: string[] } {
    const ran: string[] = []
    const runner: Runner = {
      async run(cmd: Command, o = {}) {
        const key = cmd.argv.join(' ')
        ran.push(key)
        const code = codes[key] ?? 0
        if (code !== 0 && o.probe !== true) throw new FirewallError(key)
        return { code, stdout: '', stderr: '' }
      },
    }
    return { runner, ran }
  }
  const c = (s: string): Command => ({ argv: s.split(' ') })
  const steps: Step[] = [
    { unless: c('check a'), run: c('insert a') },
    { unless: c('check b'), run: c('insert b') },
    { onlyIf: c('check c'), run: c('delete c') },
    { onlyIf: c('check d'), run: c('delete d') },
    { run: c('plain') },
  ]
  test('unless skips when its probe succeeds; onlyIf skips when its probe fails', async () => {
    const { runner, ran } = fake({ 'check b': 1, 'check d': 1 })
    await runSteps(runner, steps)
    expect(ran).toEqual(['check a', 'check b', 'insert b', 'check c', 'delete c', 'check d', 'plain'])
  })
  test('stepArgv lists probes before commands', () => {
    expect(stepArgv(steps.slice(0, 1))).toEqual([['check', 'a'], ['insert', 'a']])
  })
})
