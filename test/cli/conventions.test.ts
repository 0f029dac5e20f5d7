import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BIN, cli, ROOT, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

// The command line behaves like one program: help everywhere, "did you mean" without ever asking
// when nobody can answer, one error style, --fail-on-dl saying why, filters that cannot match refused.

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const log = path.join(dir, 'scan.log')
// 203.0.113.5 scans 150 ports (DL 3); 198.51.100.7 scans 10 (DL 1).
writeFileSync(log, `${[...range(150, 1000).map((p) => tcpLine({ dport: p })), ...range(10, 2000).map((p) => tcpLine({ src: '198.51.100.7', dport: p }))].join('\n')}\n`)

describe('help', () => {
  test.each([['help'], ['--help'], ['-h']])('portsleuth %s lists the commands', (flag) => {
    const r = cli([flag])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/COMMANDS[\s\S]*analyze[\s\S]*report/)
    expect(r.stdout).toContain('config')
  })

  test.each([
    ['analyze', '--help'], ['analyze', '-h'], ['help', 'analyze'],
    ['report', '--help'], ['report', '-h'], ['help', 'report'],
  ])('%s %s: USAGE shows FILE...', (a, b) => {
    const r = cli([a, b])
    expect(r.status).toBe(0)
    const cmd = a === 'help' ? b : a
    expect(r.stdout).toContain(`$ portsleuth ${cmd} [FILE...] [FLAGS]`)
    expect(r.stdout).toMatch(/ARGUMENTS\s+\[FILE\.\.\.\]/)
  })

  test.each(['help', 'help analyze', 'analyze --help', 'config'])('portsleuth %s | head exits 0', (args) => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${args} | head -1`], { cwd: ROOT, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  test.each([['config', 'check'], ['config', 'show']])('%s %s: --help, -h and help', (a, b) => {
    for (const args of [[a, b, '--help'], [a, b, '-h'], ['help', a, b]]) {
      const r = cli(args)
      expect(r.status).toBe(0)
      expect(r.stdout).toContain(`$ portsleuth ${a} ${b}`)
    }
  })
})

describe('a mistyped command', () => {
  test.each([
    [['analyse', 'kern.log'], "'analyse'", 'portsleuth analyze'],
    [['reprot'], "'reprot'", 'portsleuth report'],
    [['confg', 'check'], "'confg'", 'portsleuth config check'],
    [['config', 'chek'], "'config chek'", 'portsleuth config check'],
  ])('%j: did you mean, exit 2, one error style', (args, typed, meant) => {
    const r = cli(args)
    expect(r.stderr).toBe(`portsleuth: ${typed} is not a portsleuth command\n  hint: did you mean '${meant}'? 'portsleuth help' lists the commands\n`)
    expect(r.status).toBe(2)
  })

  test('nothing close: no suggestion', () => {
    const r = cli(['zzzzzzzz'])
    expect(r.stderr).toBe("portsleuth: 'zzzzzzzz' is not a portsleuth command\n  hint: 'portsleuth help' lists the commands\n")
    expect(r.status).toBe(2)
  })

  test('never asks when standard input is not a terminal (it stays open here: a prompt would hang)', async () => {
    const child = spawn(process.execPath, [BIN, 'analyse', log], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill()
        resolve(null)
      }, 20_000)
      child.on('close', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    expect(code).toBe(2)
    expect(out).not.toMatch(/\?\s*\(Y\/n\)/)
    expect(out).toContain("did you mean 'portsleuth analyze'?")
  })
})

describe("oclif's own errors in the same style", () => {
  test.each([
    [['analyze', log, '--bogus'], 'portsleuth: Nonexistent flag: --bogus', 'portsleuth analyze'],
    [['analyze', log, '--format', 'xml'], 'portsleuth: Expected --format=xml to be one of: text, json, csv, html, dshield', 'portsleuth analyze'],
    [['config', 'check', '--min-dl', '9'], 'portsleuth: Parsing --min-dl Expected an integer less than or equal to 5 but received: 9', 'portsleuth config check'],
  ])('%j', (args, first, help) => {
    const r = cli(args)
    expect(r.status).toBe(2)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]!.startsWith(first)).toBe(true)
    expect(lines.at(-1)).toBe(`  hint: see '${help} --help'`)
    expect(r.stderr).not.toMatch(/›|\u001b\[/)
  })
})

describe('--fail-on-dl names the sources that crossed the line', () => {
  test('exit 1 and one stderr line, worst first', () => {
    const r = cli(['analyze', log, '--fail-on-dl', '1', '--format', 'json'])
    expect(r.status).toBe(1)
    expect(r.stderr).toBe('portsleuth: 2 sources at DL ≥ 1: 203.0.113.5 (DL 3), 198.51.100.7 (DL 1)\n')
    expect(cli(['analyze', log, '--fail-on-dl', '3']).stderr).toBe('portsleuth: 1 source at DL ≥ 3: 203.0.113.5 (DL 3)\n')
  })

  test('capped at ten names', () => {
    const many = path.join(dir, 'many.log')
    writeFileSync(many, `${range(14).flatMap((s) => range(10, 1000).map((p) => tcpLine({ src: `198.51.100.${s + 1}`, dport: p }))).join('\n')}\n`)
    const r = cli(['analyze', many, '--fail-on-dl', '1'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^portsleuth: 14 sources at DL ≥ 1: (198\.51\.100\.\d+ \(DL 1\), ){10}and 4 more\n$/)
  })

  test('nothing crossed: exit 0, nothing said', () => {
    const r = cli(['analyze', log, '--fail-on-dl', '4'])
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
  })
})

describe('a filter that can never match is a usage error', () => {
  test.each([
    ['DPT:>abc', "--fields: DPT:>abc can never match: 'abc' is not a whole number"],
    ['DPT:22 SRC:203.0.113.5', "--fields: DPT:22 SRC:203.0.113.5 can never match: it holds a second criterion 'SRC:'"],
    ['PREFIX:DROP DPT:22', "--fields: PREFIX:DROP DPT:22 can never match: it holds a second criterion 'DPT:'"],
    ['SRC:>5', '--fields: SRC:>5 can never match: SRC is not a number'],
    ['PROTO:<7', '--fields: PROTO:<7 can never match: PROTO is not a number'],
    ['DPT:ssh', "--fields: DPT:ssh can never match: DPT is a number and 'ssh' is not"],
  ])('--fields "%s"', (spec, message) => {
    const r = cli(['analyze', log, '--fields', spec])
    expect(r.status).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(`portsleuth: ${message}`)
  })

  test('--csv-fields criteria too', () => {
    expect(cli(['analyze', log, '--format', 'csv', '--csv-table', 'packets', '--csv-fields', 'src dp:>x']).status).toBe(2)
  })

  test('criteria that can match still do: DPT:>1100, PROTO:6, quoted text, PREFIX:DROP', () => {
    const count = (spec: string): number => JSON.parse(cli(['analyze', log, '--fields', spec, '--format', 'json']).stdout).summary.packets
    expect(count('DPT:>1100')).toBe(59)
    expect(count('PROTO:6')).toBe(160)
    expect(count('PROTO:tcp, SRC:198.51.100.7')).toBe(10)
    expect(count("PREFIX:'DROP'")).toBe(160)
    expect(count('PREFIX:DROP')).toBe(160)
  })
})
