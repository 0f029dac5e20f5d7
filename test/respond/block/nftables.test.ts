import { describe, expect, test } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import { DEFAULT_NFT, nftInitScript, nftPlan, NftBlocker, nftScript, parseNftTable } from '../../../src/respond/block/nftables.js'
import { stepArgv, type Runner } from '../../../src/respond/block/runner.js'
import { parseTarget } from '../../../src/respond/block/target.js'

const EL = ['element', 'inet', 'portsleuth']

describe('nftables plan: exact argv', () => {
  const plan = nftPlan()
  test('init loads one script through nft -f - (stdin)', () => {
    const steps = plan.init()
    expect(steps).toHaveLength(1)
    expect(steps[0]!.run.argv).toEqual(['nft', '-f', '-'])
    expect(steps[0]!.run.input).toBe(nftInitScript())
  })
  test('the script: table, two interval+timeout sets, three base chains at filter - 10, flushed and refilled', () => {
    expect(nftInitScript().split('\n')).toEqual([
      'add table inet portsleuth',
      'add set inet portsleuth block4 { type ipv4_addr; flags interval, timeout; }',
      'add set inet portsleuth block6 { type ipv6_addr; flags interval, timeout; }',
      'add chain inet portsleuth input { type filter hook input priority filter - 10; policy accept; }',
      'add chain inet portsleuth forward { type filter hook forward priority filter - 10; policy accept; }',
      'add chain inet portsleuth output { type filter hook output priority filter - 10; policy accept; }',
      'flush chain inet portsleuth input',
      'flush chain inet portsleuth forward',
      'flush chain inet portsleuth output',
      'add rule inet portsleuth input ip saddr @block4 drop',
      'add rule inet portsleuth input ip6 saddr @block6 drop',
      'add rule inet portsleuth forward ip saddr @block4 drop',
      'add rule inet portsleuth forward ip daddr @block4 drop',
      'add rule inet portsleuth forward ip6 saddr @block6 drop',
      'add rule inet portsleuth forward ip6 daddr @block6 drop',
      'add rule inet portsleuth output ip daddr @block4 drop',
      'add rule inet portsleuth output ip6 daddr @block6 drop',
      '',
    ])
  })
  test('options: names, numeric priority, set size', () => {
    const s = nftInitScript({ table: 'psl', priority: -150, sets: { 4: 'a4', 6: 'a6' }, maxElements: 5000 })
    expect(s).toContain('add set inet psl a4 { type ipv4_addr; flags interval, timeout; size 5000; }')
    expect(s).toContain('type filter hook input priority filter - 150;')
    expect(nftInitScript({ ...DEFAULT_NFT, priority: 5 })).toContain('priority filter + 5;')
    expect(() => nftPlan({ ...DEFAULT_NFT, table: 'x; flush ruleset' })).toThrow(ConfigError)
    expect(() => nftPlan({ ...DEFAULT_NFT, priority: 1.5 })).toThrow(ConfigError)
  })
  test('block: add, delete, add with the timeout, in one transaction', () => {
    expect(stepArgv(plan.block(parseTarget('198.51.100.9'), 3600))).toEqual([
      ['nft', 'add', ...EL, 'block4', '{ 198.51.100.9/32 }', ';', 'delete', ...EL, 'block4', '{ 198.51.100.9/32 }', ';', 'add', ...EL, 'block4', '{ 198.51.100.9/32 timeout 3600s }'],
    ])
  })
  test('block IPv6 permanently: no timeout on the element', () => {
    expect(stepArgv(plan.block(parseTarget('2001:db8:aa::1/64'), 0))[0]!.slice(-1)).toEqual(['{ 2001:db8:aa::/64 }'])
    expect(stepArgv(plan.block(parseTarget('2001:db8:aa::1/64'), 0))[0]![5]).toBe('block6')
  })
  test('unblock: add then delete, so an element the kernel expired is not an error', () => {
    expect(stepArgv(plan.unblock(parseTarget('2001:db8::1')))).toEqual([['nft', 'add', ...EL, 'block6', '{ 2001:db8::1/128 }', ';', 'delete', ...EL, 'block6', '{ 2001:db8::1/128 }']])
  })
  test('shutdown: keep runs nothing; remove deletes the table when it exists', () => {
    expect(plan.shutdown('keep')).toEqual([])
    expect(stepArgv(plan.shutdown('remove'))).toEqual([['nft', 'list', 'table', 'inet', 'portsleuth'], ['nft', 'delete', 'table', 'inet', 'portsleuth']])
  })
  test('export script: init plus one element per live block with its remaining time', () => {
    const s = nftScript(DEFAULT_NFT, [{ target: parseTarget('1.2.3.4'), timeout: 120 }, { target: parseTarget('2001:db8::/64'), timeout: 0 }])
    expect(s.startsWith(nftInitScript())).toBe(true)
    expect(s.slice(nftInitScript().length)).toBe('add element inet portsleuth block4 { 1.2.3.4/32 timeout 120s }\nadd element inet portsleuth block6 { 2001:db8::/64 }\n')
  })
})

// Shaped like `nft -j list table inet portsleuth` of nftables 1.0.6 (Debian 12).
function tableJson(opts: { elems4?: unknown[]; elems6?: unknown[]; dropRule?: boolean; chains?: string[]; verdict?: string } = {}): string {
  const chains = opts.chains ?? ['input', 'forward', 'output']
  const rule = (chain: string, proto: string, field: string, set: string): unknown => ({ rule: { family: 'inet', table: 'portsleuth', chain, handle: 9, expr: [{ match: { op: '==', left: { payload: { protocol: proto, field } }, right: `@${set}` } }, { [opts.verdict ?? 'drop']: null }] } })
  const rules: unknown[] = []
  if (chains.includes('input')) rules.push(rule('input', 'ip', 'saddr', 'block4'), rule('input', 'ip6', 'saddr', 'block6'))
  if (chains.includes('forward')) rules.push(rule('forward', 'ip', 'saddr', 'block4'), rule('forward', 'ip', 'daddr', 'block4'), rule('forward', 'ip6', 'saddr', 'block6'), rule('forward', 'ip6', 'daddr', 'block6'))
  if (chains.includes('output') && opts.dropRule !== false) rules.push(rule('output', 'ip', 'daddr', 'block4'), rule('output', 'ip6', 'daddr', 'block6'))
  return JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'portsleuth', handle: 1 } },
      { set: { family: 'inet', name: 'block4', table: 'portsleuth', type: 'ipv4_addr', flags: ['interval', 'timeout'], elem: opts.elems4 } },
      { set: { family: 'inet', name: 'block6', table: 'portsleuth', type: 'ipv6_addr', flags: ['interval', 'timeout'], elem: opts.elems6 } },
      ...chains.map((name) => ({ chain: { family: 'inet', table: 'portsleuth', name, type: 'filter', hook: name, prio: -10, policy: 'accept' } })),
      ...rules,
    ],
  })
}

describe('reading nft -j list table', () => {
  test('elements in every shape nft prints: bare, prefix, with timeout/expires', () => {
    const v = parseNftTable(tableJson({
      elems4: [{ elem: { val: '1.2.3.4', timeout: 100, expires: 99 } }, { prefix: { addr: '5.6.7.0', len: 24 } }, { range: ['9.0.0.1', '9.0.0.9'] }],
      elems6: [{ elem: { val: { prefix: { addr: '2001:db8::', len: 64 } }, timeout: 10, expires: 9 } }, '2001:db8:1::5'],
    }))
    expect(v.problems).toEqual([])
    expect(v.entries).toEqual([
      { target: '1.2.3.4/32', family: 4, expiresIn: 99 },
      { target: '5.6.7.0/24', family: 4, expiresIn: null },
      { target: '2001:db8::/64', family: 6, expiresIn: 9 },
      { target: '2001:db8:1::5/128', family: 6, expiresIn: null },
    ])
  })
  test('a missing chain or rule is a problem; a rule that accepts instead of dropping does not count', () => {
    expect(parseNftTable(tableJson({ verdict: 'accept' })).problems).toHaveLength(8)
    expect(parseNftTable(tableJson({ chains: ['input', 'forward'] })).problems).toEqual(['nft: base chain output is missing from table inet portsleuth'])
    expect(parseNftTable(tableJson({ dropRule: false })).problems).toEqual([
      "nft: rule 'ip daddr @block4 drop' is missing from chain output",
      "nft: rule 'ip6 daddr @block6 drop' is missing from chain output",
    ])
  })
})

describe('NftBlocker.list', () => {
  test('runs exactly nft -j list table inet portsleuth', async () => {
    const ran: string[][] = []
    const entries = await new NftBlocker({ run: async (c) => { ran.push([...c.argv]); return { code: 0, stdout: tableJson({ elems6: ['2001:db8::1'] }), stderr: '' } } }).list()
    expect(ran).toEqual([['nft', '-j', 'list', 'table', 'inet', 'portsleuth']])
    expect(entries).toEqual([{ target: '2001:db8::1/128', family: 6, expiresIn: null }])
  })
})

describe('NftBlocker.present', () => {
  const runner = (stdout: string | null): Runner => ({ run: async () => (stdout === null ? { code: 1, stdout: '', stderr: 'Error: No such file or directory' } : { code: 0, stdout, stderr: '' }) })
  test('elements in the sets are present; the rest missing', async () => {
    const p = await new NftBlocker(runner(tableJson({ elems4: ['1.2.3.4'] }))).present(['1.2.3.4', '4.3.2.1/32'])
    expect(p).toEqual({ present: ['1.2.3.4'], missing: ['4.3.2.1/32'], problems: [] })
  })
  test('a flushed set, a missing rule or a deleted table makes blocks missing', async () => {
    expect((await new NftBlocker(runner(tableJson({}))).present(['1.2.3.4'])).missing).toEqual(['1.2.3.4'])
    const norule = await new NftBlocker(runner(tableJson({ elems4: ['1.2.3.4'], elems6: ['2001:db8::1'], dropRule: false }))).present(['1.2.3.4', '2001:db8::1'])
    expect(norule.missing).toEqual(['1.2.3.4', '2001:db8::1'])
    const gone = await new NftBlocker(runner(null)).present(['1.2.3.4'])
    expect(gone).toEqual({ present: [], missing: ['1.2.3.4'], problems: ['nft: table inet portsleuth does not exist'] })
  })
})
