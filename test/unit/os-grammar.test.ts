import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../src/core/errors.js'
import { loadOsDatabase } from '../../src/config/os-files.js'
import { parseP0f } from '../../src/detect/os/p0f-grammar.js'
import { parsePosf } from '../../src/detect/os/posf-grammar.js'

const one = (line: string) => {
  const { entries } = parseP0f(line, 't.fp')
  expect(entries).toHaveLength(1)
  return entries[0]!
}

function p0fError(text: string): string {
  try {
    parseP0f(text, 'bad.fp')
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('p0f v2 (pf.os) grammar', () => {
  test('window forms: literal, *, %n, Sn, Tn', () => {
    expect(one('8192:128:1:52:M*,N,W2,N,N,S:Windows:7::W7').window).toEqual({ kind: 'eq', n: 8192 })
    expect(one('*:128:1:52:M*,N,W2,N,N,S:Windows:7::W7').window).toEqual({ kind: 'any' })
    expect(one('%8192:64:1:60:M*,N,W0,N,N,T:X:1::x').window).toEqual({ kind: 'mod', n: 8192 })
    expect(one('S44:64:1:60:M*,S,T,N,W7:Linux:6::L').window).toEqual({ kind: 'mss', n: 44 })
    expect(one('T30:128:1:48:M*,N,N,S:Windows:98::W').window).toEqual({ kind: 'mtu', n: 30 })
  })

  test('size forms and DF', () => {
    expect(one('1:64:0:60:M*:X:1::x').size).toEqual({ kind: 'eq', n: 60 })
    expect(one('1:64:0:*:M*:X:1::x').size).toEqual({ kind: 'any' })
    expect(one('1:64:0:%4:M*:X:1::x').size).toEqual({ kind: 'mod', n: 4 })
    expect(one('1:64:0:60:M*:X:1::x').df).toBe(false)
    expect(one('1:64:1:60:M*:X:1::x').df).toBe(true)
    expect(one('1:64:*:60:M*:X:1::x').df).toBeNull()
  })

  test('every option form, comma or space separated', () => {
    const e = one('1:64:0:60:N,E,S,T,T0,M1460,M*,M%8,W7,W*,W%2,?30 N:X:1::x')
    expect(e.options).toEqual([
      { kind: 'N' }, { kind: 'E' }, { kind: 'S' }, { kind: 'T', zero: false }, { kind: 'T', zero: true },
      { kind: 'M', value: { kind: 'eq', n: 1460 } }, { kind: 'M', value: { kind: 'any' } }, { kind: 'M', value: { kind: 'mod', n: 8 } },
      { kind: 'W', value: { kind: 'eq', n: 7 } }, { kind: 'W', value: { kind: 'any' } }, { kind: 'W', value: { kind: 'mod', n: 2 } },
      { kind: '?', code: 30 }, { kind: 'N' },
    ])
    expect(e.layout).toBe('N,E,S,T,T,M,M,M,W,W,W,?30,N')
    expect(one('1024:64:0:40:.:*NMAP:syn scan:1:NMAP syn scan (1)').options).toEqual([])
    expect(one('1024:64:0:40:.:*NMAP:syn scan:1:NMAP syn scan (1)').layout).toBe('.')
  })

  test('genre prefixes, tab-indented fields, description with colons, comments, samples', () => {
    const text = [
      '# a comment',
      '   # an indented comment',
      '',
      '#sample IN=eth0 OUT= SRC=1.2.3.4',
      '*:128:1:48:M*,N,N,S:\t\t\t@Windows:XP::Windows XP/2000',
      '1024:64:0:44:M1460:\t*nmap:SYN scan:-sS:nmap: SYN scan',
      '16384:64:1:44:M*:\t\tFreeBSD:2.0-2.2::',
    ].join('\n')
    const { entries, warnings } = parseP0f(text, 'x.fp')
    expect(warnings).toEqual([])
    const [w, n, f] = entries
    expect([w!.generic, w!.userland, w!.genre, w!.label, w!.line]).toEqual([true, false, 'Windows', 'Windows XP/2000', 5])
    expect(w!.samples).toEqual(['IN=eth0 OUT= SRC=1.2.3.4'])
    expect([n!.generic, n!.userland, n!.genre, n!.label]).toEqual([false, true, 'nmap', 'nmap: SYN scan'])
    expect(n!.samples).toEqual([])
    expect(f!.label).toBe('FreeBSD 2.0-2.2')
  })

  test('specificity counts pinned fields', () => {
    expect(one('64240:64:1:60:M1460,S,T,N,W7:a:1::a').specificity).toBe(4 + 2 + 1 + 2 + 2)
    expect(one('S44:64:1:60:M*,S,T,N,W7:a:1::a').specificity).toBe(3 + 2 + 1 + 0 + 2)
    expect(one('*:64:*:*:M*,S,T,N,W*:a:1::a').specificity).toBe(0)
    expect(one('%8192:64:1:%4:M%4,W%2:a:1::a').specificity).toBe(1 + 1 + 1 + 1 + 1)
  })

  test('warns about an Sn entry without an MSS option (it can never match)', () => {
    expect(parseP0f('S4:64:1:40:.:X:1::x', 'w.fp').warnings).toEqual([
      "w.fp:1: window 'S4' is a multiple of the MSS but the entry has no M option: it can never match",
    ])
  })

  test.each([
    ['8192:128:1:52:M*,N,W2', "bad.fp:2: expected 9 ':'-separated fields window:ttl:df:size:options:genre:version:subtype:description, found 5 in '8192:128:1:52:M*,N,W2'"],
    ['X12:64:1:60:M*:L:1::l', "bad.fp:2: invalid window 'X12': expected a number, '*', '%n', 'Sn' or 'Tn' in 'X12:64:1:60:M*:L:1::l'"],
    ['S:64:1:60:M*:L:1::l', "bad.fp:2: invalid window 'S': expected a number, '*', '%n', 'Sn' or 'Tn'"],
    ['%0:64:1:60:M*:L:1::l', "bad.fp:2: invalid window modulus '0': expected a number 1-65535"],
    ['70000:64:1:60:M*:L:1::l', "bad.fp:2: invalid window '70000': expected a number 0-65535"],
    ['1:256:1:60:M*:L:1::l', "bad.fp:2: invalid initial TTL '256': expected a number 1-255"],
    ['1:*:1:60:M*:L:1::l', "bad.fp:2: invalid initial TTL '*': expected a number 1-255"],
    ['1:64:2:60:M*:L:1::l', "bad.fp:2: invalid DF '2': expected 0, 1 or *"],
    ['1:64:1:sixty:M*:L:1::l', "bad.fp:2: invalid size 'sixty': expected a number, '*' or '%n'"],
    ['1:64:1:60::L:1::l', "bad.fp:2: empty option list: expected '.' for a SYN without options"],
    ['1:64:1:60:M*,Q,T:L:1::l', "bad.fp:2: unknown TCP option 'Q': expected N, E, S, T, T0, Mnnn, Wnnn (nnn a number, * or %n) or ?n in '1:64:1:60:M*,Q,T:L:1::l'"],
    ['1:64:1:60:M,S:L:1::l', "bad.fp:2: unknown TCP option 'M'"],
    ['1:64:1:60:Mx:L:1::l', "bad.fp:2: invalid MSS 'x': expected a number, '*' or '%n'"],
    ['1:64:1:60:W300:L:1::l', "bad.fp:2: invalid window scale '300': expected a number 0-255"],
    ['1:64:1:60:T1:L:1::l', "bad.fp:2: unknown TCP option 'T1'"],
    ['1:64:1:60:M*,,S:L:1::l', "bad.fp:2: empty item in option list 'M*,,S'"],
    ['1:64:1:60:.,M*:L:1::l', "bad.fp:2: '.' in option list '.,M*': '.' must stand alone"],
    ['1:64:1:60:?1:L:1::l', "bad.fp:2: invalid option kind '1': expected a number 2-255"],
    ['1:64:1:60:M*:@:1::l', "bad.fp:2: empty genre in '@': expected a name, optionally prefixed by @ (generic) or * (userland)"],
  ])('%s', (line, message) => {
    expect(p0fError(`# header\n${line}\n`)).toContain(message)
  })
})

const POSF_OK = `# test
OS        Linux 6;
NUMPKTS   3;
TOS       0x10;
LEN       60;
TTL       64;
ID        RANDOM;
WINDOW    64240;

#sample IN=eth0 OUT= one
OS *nmap SYN scan; NUMPKTS 3; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 1024;
`

function posfError(text: string, strict = true): string {
  try {
    parsePosf(text, 'bad.posf', { strict })
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('expected a ConfigError')
}

describe('posf grammar', () => {
  test('blocks, several statements per line, scanner names, samples', () => {
    const { entries, warnings } = parsePosf(POSF_OK, 't.posf', { strict: true })
    expect(warnings).toEqual([])
    expect(entries).toEqual([
      { file: 't.posf', line: 2, name: 'Linux 6', scanner: false, numPkts: 3, tos: 0x10, len: 60, ttl: 64, id: 'RANDOM', window: 64240, samples: [] },
      { file: 't.posf', line: 11, name: 'nmap SYN scan', scanner: true, numPkts: 3, tos: 0, len: 44, ttl: 64, id: 'RANDOM', window: 1024, samples: ['IN=eth0 OUT= one'] },
    ])
  })

  // psad would glue `OS HPUX 10.x` and the next line together and corrupt the previous entry.
  const missing = 'OS A;\nNUMPKTS 3;\nTOS 0x00;\nLEN 44;\nTTL 64;\nID RANDOM;\nWINDOW 1;\nOS        HPUX 10.x\nNUMPKTS 3;\nWINDOW 32768;\nTOS 0x00;\nLEN 44;\nTTL 64;\nID SMALLINCR;\n'
  test("a missing ';' is a ConfigError with file:line in strict mode", () => {
    expect(posfError(missing)).toBe(
      "bad.posf:8: missing ';' after 'OS        HPUX 10.x': expected 'OS name;', 'NUMPKTS n;', 'TOS 0xNN;', 'LEN n;', 'TTL n;', 'ID SMALLINCR|RANDOM;' or 'WINDOW n;'",
    )
  })
  test("a missing ';' is a warning otherwise, and nothing is corrupted", () => {
    const { entries, warnings } = parsePosf(missing, 'bad.posf', { strict: false })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^bad\.posf:8: missing ';' after 'OS {8}HPUX 10\.x'/)
    expect(entries.map((e) => [e.name, e.len, e.window, e.id])).toEqual([['A', 44, 1, 'RANDOM'], ['HPUX 10.x', 44, 32768, 'SMALLINCR']])
  })

  test.each([
    ['NUMPKTS 3;', "bad.posf:2: 'NUMPKTS 3' before any 'OS name;' line"],
    ['OS ;', "bad.posf:2: OS without a name in 'OS ;'"],
    ['OS A;\nFOO 3;', "bad.posf:3: unknown statement 'FOO 3': expected 'OS name;'"],
    ['OS A;\nNUMPKTS 3;\nNUMPKTS 4;', "bad.posf:4: NUMPKTS given twice for OS 'A' (line 2): a missing 'OS name;' line?"],
    ['OS A;\nTTL 300;', "bad.posf:3: invalid TTL '300': expected a number 1-255 in 'TTL 300;'"],
    ['OS A;\nTOS 16;', "bad.posf:3: invalid TOS '16': expected 0x00-0xff"],
    ['OS A;\nID SEQUENTIAL;', "bad.posf:3: invalid ID 'SEQUENTIAL': expected SMALLINCR or RANDOM"],
    ['OS A;\nLEN ;', "bad.posf:3: invalid LEN '': expected a number 20-65535"],
    ['OS A;\nLEN 44;;', "bad.posf:3: empty statement in 'LEN 44;;'"],
    ['OS A;\nNUMPKTS 3;\nTOS 0x00;\nLEN 44;\nOS B;', "bad.posf:2: OS 'A' lacks TTL, ID, WINDOW: every entry needs NUMPKTS, TOS, LEN, TTL, ID, WINDOW"],
  ])('%s', (text, message) => {
    expect(posfError(`# header\n${text}\n`)).toContain(message)
  })
})

// psad's installed databases (Debian's psad package; CI installs it). Read to check the parsers.
const PSAD_PF_OS = '/etc/psad/pf.os'
const PSAD_POSF = '/etc/psad/posf'

describe.skipIf(!existsSync(PSAD_PF_OS) || !existsSync(PSAD_POSF))("psad's installed databases", () => {
  test('pf.os loads unchanged, Tn entries included', async () => {
    const db = await loadOsDatabase({ p0f: [PSAD_PF_OS], posf: [] })
    expect(db.warnings).toEqual([])
    expect(db.p0fEntries.length).toBeGreaterThan(200)
    expect(db.p0fEntries.some((e) => e.window.kind === 'mtu')).toBe(true)
    expect(db.p0fEntries.some((e) => e.generic)).toBe(true)
    expect(db.p0fEntries.some((e) => e.userland && e.genre === 'NMAP')).toBe(true)
  })

  test("posf: strict mode names psad's missing ';' with file:line", async () => {
    await expect(loadOsDatabase({ p0f: [], posf: [PSAD_POSF] })).rejects.toThrow(/^\/etc\/psad\/posf:\d+: missing ';' after 'OS\s+HPUX 10\.x'/)
  })

  test('posf loads with strict off: every entry intact, one warning per missing ;', async () => {
    const db = await loadOsDatabase({ p0f: [], posf: [PSAD_POSF] }, { strict: false })
    expect(db.warnings).toHaveLength(4)
    const byName = new Map(db.posfEntries.map((e) => [e.name, e]))
    // psad itself loses these three and overwrites "Solaris 8" with Nokia's values.
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['HPUX 10.x', 'HPUX 11.x', 'Nokia IPSO 3.4', 'Solaris 8']))
    expect(byName.get('Solaris 8')!.window).not.toBe(byName.get('Nokia IPSO 3.4')!.window)
    expect(byName.get('Nokia IPSO 3.4')!.ttl).toBe(64)
  })
})

describe('p0f grammar details', () => {
  test.each([
    ['S0:64:1:60:M*:L:1::l', "bad.fp:2: invalid window multiplier '0': expected a number 1-65535 in 'S0:64:1:60:M*:L:1::l'"],
    ['T70000:64:1:60:M*:L:1::l', "bad.fp:2: invalid window multiplier '70000': expected a number 1-65535"],
    ['1:64:1:60:M*,W:L:1::l', "bad.fp:2: unknown TCP option 'W': expected N, E, S, T, T0, Mnnn, Wnnn (nnn a number, * or %n) or ?n in"],
    ['1:64:1:60:?:L:1::l', "bad.fp:2: unknown TCP option '?': expected"],
    ['1:64:1:60:W%0:L:1::l', "bad.fp:2: invalid window scale modulus '0': expected a number 1-255"],
    ['1:64:1:60:?256:L:1::l', "bad.fp:2: invalid option kind '256': expected a number 2-255"],
    ['1:64:1:60:M*, ,S:L:1::l', "bad.fp:2: empty item in option list 'M*, ,S'"],
  ])('%s', (line, message) => {
    expect(p0fError(`# header\n${line}\n`)).toContain(message)
  })

  test('option items may be padded with spaces after commas or separated by several spaces', () => {
    expect(one('1:64:0:60:M*, N,\tW7 ,  S:X:1::x').layout).toBe('M,N,W,S')
    expect(one('1:64:0:60:M*  N   S:X:1::x').layout).toBe('M,N,S')
    expect(one('1:64:0:60:?30,W%2:X:1::x').options).toEqual([{ kind: '?', code: 30 }, { kind: 'W', value: { kind: 'mod', n: 2 } }])
  })

  test('a Tn window counts like an Sn window in specificity', () => {
    expect(one('T30:128:1:48:M*,N,N,S:Windows:98::W').specificity).toBe(3 + 2 + 1)
    expect(one('S30:128:1:48:M*,N,N,S:Windows:98::W').specificity).toBe(3 + 2 + 1)
  })

  test('the description is trimmed; an empty one falls back to genre, version and subtype', () => {
    expect(one('1:64:0:60:M*:Windows:7:SP1:   Windows 7 SP1  ').label).toBe('Windows 7 SP1')
    expect(one('1:64:0:60:M*:Windows:7:SP1:   ').label).toBe('Windows 7 SP1')
    expect(one('1:64:0:60:M*:Windows:7:SP1:').description).toBe('')
  })

  test('warns about Sn and Tn entries without an M option, naming each line', () => {
    const text = ['T4:64:1:44:N,N,S:X:1::x', 'S4:64:1:44:N,W7:X:1::y', 'S4:64:1:44:N,M*:X:1::fine'].join('\n')
    expect(parseP0f(text, 'w.fp').warnings).toEqual([
      "w.fp:1: window 'T4' is a multiple of the MSS but the entry has no M option: it can never match",
      "w.fp:2: window 'S4' is a multiple of the MSS but the entry has no M option: it can never match",
    ])
  })

  test('#sample lines after the last entry are a warning at the first of them', () => {
    const text = ['#sample a', '1:64:0:60:M*:X:1::x', '# plain comment', '#sample b', '#sample c', ''].join('\n')
    const { entries, warnings } = parseP0f(text, 'x.fp')
    expect(entries[0]!.samples).toEqual(['a'])
    expect(warnings).toEqual(['x.fp:4: #sample lines are not followed by an entry'])
    expect(parseP0f('#sample a\n#sample b\n', 'y.fp').warnings).toEqual(['y.fp:1: #sample lines are not followed by an entry'])
  })
})

describe('posf grammar details', () => {
  const block = (extra: string): string => `OS A;\n${extra}\n`

  test.each([
    ['TTL +64;', "bad.posf:3: invalid TTL '+64': expected a number 1-255 in 'TTL +64;'"],
    ['TTL 0x40;', "bad.posf:3: invalid TTL '0x40': expected a number 1-255"],
    ['LEN 6e1;', "bad.posf:3: invalid LEN '6e1': expected a number 20-65535"],
    ['LEN 19;', "bad.posf:3: invalid LEN '19': expected a number 20-65535"],
    ['LEN 65536;', "bad.posf:3: invalid LEN '65536': expected a number 20-65535"],
    ['NUMPKTS 0;', "bad.posf:3: invalid NUMPKTS '0': expected a number 1-10000"],
    ['WINDOW -1;', "bad.posf:3: invalid WINDOW '-1': expected a number 0-65535"],
    ['TOS 0x100;', "bad.posf:3: invalid TOS '0x100': expected 0x00-0xff"],
    ['TOS 00x10;', "bad.posf:3: invalid TOS '00x10': expected 0x00-0xff"],
    ['TOS 0x;', "bad.posf:3: invalid TOS '0x': expected 0x00-0xff"],
  ])('%s', (stmt, message) => {
    expect(posfError(`# header\n${block(stmt)}`)).toContain(message)
  })

  test.each(['OS *;', 'OS;', 'OS    ;'])("'%s' is an OS without a name", (stmt) => {
    expect(posfError(`${stmt}\n`)).toBe(`bad.posf:1: OS without a name in '${stmt}': expected 'OS name;', 'NUMPKTS n;', 'TOS 0xNN;', 'LEN n;', 'TTL n;', 'ID SMALLINCR|RANDOM;' or 'WINDOW n;'`)
  })

  test('boundary values are accepted', () => {
    const { entries } = parsePosf('OS A; NUMPKTS 1; TOS 0xff; LEN 20; TTL 1; ID SMALLINCR; WINDOW 0;\nOS B; NUMPKTS 10000; TOS 0x0; LEN 65535; TTL 255; ID RANDOM; WINDOW 65535;\n', 't.posf', { strict: true })
    expect(entries.map((e) => [e.numPkts, e.tos, e.len, e.ttl, e.window])).toEqual([[1, 255, 20, 1, 0], [10000, 0, 65535, 255, 65535]])
  })

  test("a scanner name may have spaces after its '*'", () => {
    const { entries } = parsePosf('OS *   nmap SYN scan; NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 1024;\n', 't.posf', { strict: true })
    expect(entries[0]).toMatchObject({ name: 'nmap SYN scan', scanner: true })
  })

  test('indented comments, blank and whitespace-only lines are skipped; #sample is only a line that starts with it', () => {
    const text = [
      '   # indented comment',
      '\t',
      '# see #sample below',
      '#sample    IN=eth0 one',
      '  #sample\tIN=eth0 two',
      '   OS A;   NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 1;   ',
    ].join('\n')
    const { entries, warnings } = parsePosf(text, 't.posf', { strict: true })
    expect(warnings).toEqual([])
    expect(entries).toEqual([{ file: 't.posf', line: 6, name: 'A', scanner: false, numPkts: 1, tos: 0, len: 44, ttl: 64, id: 'RANDOM', window: 1, samples: ['IN=eth0 one', 'IN=eth0 two'] }])
  })

  test('a file of comments only has no entries', () => {
    expect(parsePosf('# nothing here\n\n', 't.posf', { strict: true })).toEqual({ entries: [], warnings: [] })
  })

  test('#sample lines after the last block are a warning', () => {
    expect(parsePosf('OS A; NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID RANDOM; WINDOW 1;\n#sample x', 't.posf', { strict: true }).warnings).toEqual([
      't.posf:2: #sample lines are not followed by an OS entry',
    ])
  })

  test("the strict-mode error for a missing ';' carries a hint about psad's own file", () => {
    try {
      parsePosf('OS A\n', 'bad.posf', { strict: true })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).hint).toBe("psad's own posf lacks ';' on three OS lines and one TTL line; load it with strict off")
    }
  })
})
