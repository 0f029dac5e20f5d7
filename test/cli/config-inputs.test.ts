import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { cli, tempDir } from '../helpers/cli.js'
import { range, tcpLine } from '../helpers/lines.js'

// Files named by the configuration are read with a cap, refused when they do not look like what they
// were named as (without showing them), and quoted, when they are, short and with control characters
// escaped. Every case is exit 3.

const { dir, cleanup } = tempDir()
afterAll(cleanup)
const file = (name: string, text: string): string => {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}
const log = file('scan.log', `${range(20, 1000).map((p) => tcpLine({ dport: p })).join('\n')}\n`)
const ESC = '\u001b'

describe('size caps: read with a cap, never by asking the size (/dev/zero has size 0)', () => {
  test.each([
    ['-c', 'configuration file', 16],
    ['--signatures', 'signature file', 16],
    ['--auto-dl', 'auto_dl file', 16],
    ['--os-db', 'OS fingerprint file', 16],
    ['--reputation', "reputation list 'zero'", 256],
  ] as const)('%s /dev/zero', (flag, what, mib) => {
    const r = cli(['analyze', log, flag, '/dev/zero'])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`portsleuth: ${what} /dev/zero holds more than ${mib} MiB, the most portsleuth reads of such a file`)
    expect(r.stderr).not.toMatch(/RangeError|internal error/)
  })
})

describe('a file that is not what it was named as is not quoted', () => {
  // Stands in for /etc/shadow: a line no error message may repeat.
  const secret = file('shadow', 'root:$6$SECRETHASH$abc:19000:0:99999:7:::\nuser:$6$OTHERHASH:19000:0:99999:7:::\n')
  test.each([
    ['-c', ['--config', secret], "not a 'NAME value;' setting"],
    ['--auto-dl', ['--auto-dl', secret], 'not an auto_dl entry'],
    ['--signatures', ['--signatures', secret], 'not a psad signature'],
    ['--os-db', ['--os-db', secret], 'not a p0f signature'],
    ['AUTO_DL_FILE in psad.conf', ['-c', file('names-shadow.conf', `AUTO_DL_FILE ${secret};\n`)], 'not an auto_dl entry'],
    ['SNORT_RULE_DL_FILE in psad.conf', ['-c', file('names-shadow2.conf', `SNORT_RULE_DL_FILE ${secret};\n`)], 'not a snort_rule_dl entry'],
  ])('%s', (_name, args, what) => {
    const r = cli(['analyze', log, ...args])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${secret}:1: ${what} (expected `)
    expect(r.stderr).toContain('the file is not quoted')
    expect(r.stderr).not.toMatch(/SECRETHASH|OTHERHASH|root|19000/)
  })
})

describe('files that look right are quoted short, with control characters escaped', () => {
  test('an auto_dl error on line 2 quotes the entry, ESC shown as \\x1b', () => {
    const autoDl = file('auto_dl', `10.0.0.1 2;\n10.0.0.${ESC}[31m2 3;\n`)
    const r = cli(['analyze', log, '--auto-dl', autoDl])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${autoDl}:2: invalid address '10.0.0.\\x1b[31m2'`)
    expect(r.stderr).not.toContain(ESC)
  })

  test('a long line is cut', () => {
    const conf = file('long.conf', `DANGER_LEVEL1 5;\nBOGUS_${'X'.repeat(500)} 1;\n`)
    const r = cli(['analyze', log, '-c', conf])
    expect(r.status).toBe(3)
    expect(r.stderr).toMatch(/unknown configuration key 'BOGUS_X{34}…'/)
    expect(r.stderr.length).toBeLessThan(300)
  })
})

describe('$HOME_NET and the other signature variables', () => {
  test('a bad value is reported at the psad.conf line that defines it, not at a signature using it', () => {
    const conf = file('home.conf', `# site\nDANGER_LEVEL1 5;\nHOME_NET [10.0.0.0/8, 192.0.2.300];\n`)
    const sigs = file('home.sig', 'alert tcp $EXTERNAL_NET any -> $HOME_NET 22 (msg:"ssh"; sid:1;)\n')
    const r = cli(['analyze', log, '-c', conf, '--signatures', sigs])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`portsleuth: ${conf}:3: invalid HOME_NET '[10.0.0.0/8, 192.0.2.300]': bad address '192.0.2.300'`)
    expect(r.stderr).not.toContain(sigs)
  })

  test('also without any signature using it, and for ports', () => {
    const conf = file('ports.conf', 'HTTP_PORTS 80:99999;\n')
    const r = cli(['config', 'check', '-c', conf])
    expect(r.status).toBe(3)
    expect(r.stderr).toContain(`${conf}:1: invalid HTTP_PORTS '80:99999': bad port range '80:99999'`)
  })

  test('control characters in the value are escaped', () => {
    const conf = file('esc.conf', `HOME_NET ${ESC}]0;pwned${ESC}\\;\n`)
    const r = cli(['analyze', log, '-c', conf])
    expect(r.status).toBe(3)
    expect(r.stderr).not.toContain(ESC)
    expect(r.stderr).toContain('\\x1b')
  })
})

describe('reputation lists', () => {
  test('a list with no valid entry is an error, not an empty list behind OK', () => {
    const list = file('junk.txt', '<html>\n<body>Rate limited</body>\n</html>\n')
    for (const cmd of [['analyze', log], ['config', 'check']]) {
      const r = cli([...cmd, '--reputation', `${list}:5:drop`])
      expect(r.status).toBe(3)
      expect(r.stderr).toContain(`reputation list 'drop' ${list} (from --reputation) has no IPv4/IPv6 address or network on any line (3 lines without one)`)
    }
  })

  test('an empty list too', () => {
    const list = file('empty.txt', '# nothing yet\n')
    expect(cli(['analyze', log, '--reputation', list]).status).toBe(3)
  })
})
