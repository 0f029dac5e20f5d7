import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { attribute, combine, UNEXPECTED } from '../../scripts/psad-diff/attribute.js'
import { compareVerdicts, fieldEqual, psadVerdicts, type Verdict } from '../../scripts/psad-diff/compare.js'
import { EXPECTED_DIFFERENCES, psadErrorKind } from '../../scripts/psad-diff/expected.js'
import { parsePsadOutput, psadSids } from '../../scripts/psad-diff/psad-output.js'
import { withoutOutbound } from '../../scripts/psad-diff/diff.js'
import { configWith, runPortsleuth } from '../../scripts/psad-diff/run-portsleuth.js'
import { CAPTURES } from '../helpers/golden.js'

// The pieces of the psad differential check that do not need psad: reading its -A output (the
// layout psad 2.4.6 prints, written out by hand here), comparing verdicts, the expected-difference rules.

const OUTPUT = `[+] Entering analysis mode.  Parsing /tmp/x.log
[+] Found 1010 iptables log messages out of 1020 total lines.
[+] Assigning scan danger levels...
    Level 1: 0 IP addresses
    Level 2: 1 IP addresses
    Level 3: 1 IP addresses
    Level 4: 0 IP addresses
    Level 5: 0 IP addresses

    Tracking 2 total IP addresses
[+] Version: psad v2.4.6

[+] Top 50 signature matches:
      "MISC Microsoft SQL Server communication attempt" (tcp),  Count: 2,  Unique sources: 1,  Sid: 100205

[+] Top 25 attackers:
      203.0.113.5     DL: 3, Packets: 1002, Sig count: 2

[+] IP Status Detail:

SRC:  203.0.113.5, DL: 3, Dsts: 2, Pkts: 1002, Total protocols: 1, Unique sigs: 1
    Source OS fingerprint(s):
        SunOS:4.1::SunOS 4.1.x

    DST: 192.0.2.1, Local IP
        Scanned ports: TCP 1000-1400, Pkts: 800, Chain: INPUT, Intf: eth0
        Scanned ports: TCP 1300-1500, Pkts: 200, Chain: FORWARD, Intf: eth0
        Total scanned IP protocols: 1, Chain: INPUT, Intf: eth0
        Signature match: "MISC Microsoft SQL Server communication attempt"
            TCP, Chain: INPUT, Count: 2, DP: 1433, SYN, Sid: 100205
    DST: 192.0.2.2
        Scanned ports: UDP 53, Pkts: 2, Chain: INPUT, Intf: eth0

SRC:  2001:0db8:0000:f101:0000:0000:0000:0002 (2001:DB8:0:F101::2), DL: 2, Dsts: 1, Pkts: 2, Total protocols: 1, Unique sigs: 0

    DST: ff02:0000:0000:0000:0000:0001:ff00:0001 (FF02::1:FF00:1)
        Total scanned IP protocols: 1, Chain: INPUT, Intf: eth0
        Invalid ICMP6 code: "22" for ICMP6 "Neighbor Solicitation" packet Chain: INPUT, Packets: 2
        Invalid ICMP6 type: "143" Chain: INPUT, Packets: 1

    Total scan sources: 2
    Total scan destinations: 3

[+] These results are available in: /tmp/x/analysis.out
`

describe('psad -A output', () => {
  const r = parsePsadOutput(OUTPUT)

  test('counts, sources, destinations, merged port ranges, sids', () => {
    expect(r.firewallLines).toBe(1010)
    expect(r.totalLines).toBe(1020)
    expect(r.levels).toEqual({ 1: 0, 2: 1, 3: 1, 4: 0, 5: 0 })
    expect([...r.sources.keys()]).toEqual(['203.0.113.5', '2001:db8:0:f101::2'])
    const v4 = r.sources.get('203.0.113.5')!
    expect(v4).toMatchObject({ dl: 3, packets: 1002 })
    expect(v4.destinations.get('192.0.2.1')!.ports).toEqual({ tcp: { lo: 1000, hi: 1500 } })
    expect(v4.destinations.get('192.0.2.2')!.ports).toEqual({ udp: { lo: 53, hi: 53 } })
    expect([...psadSids(v4)]).toEqual([100205])
    expect(r.unparsed).toEqual([])
  })

  test('IPv6 in RFC 5952; invalid ICMPv6 records, the code one named by its type text', () => {
    const v6 = r.sources.get('2001:db8:0:f101::2')!
    const dst = v6.destinations.get('ff02::1:ff00:1')!
    expect(dst.invalidIcmp).toEqual([
      { v6: true, type: -1, code: 22, typeText: 'Neighbor Solicitation' },
      { v6: true, type: 143, code: null },
    ])
    const verdicts = psadVerdicts(r, { v4: new Map(), v6: new Map([['Neighbor Solicitation', 135]]) })
    expect([...verdicts.get('2001:db8:0:f101::2')!.invalidIcmp].sort()).toEqual(['6:135:22', '6:143:*'])
  })

  test('tolerant: unknown lines are noted, not fatal; a level/detail mismatch is reported', () => {
    const odd = parsePsadOutput(OUTPUT.replace('    DST: 192.0.2.2', '        Something new in psad 3.0\n    DST: 192.0.2.2').replace('Level 3: 1', 'Level 3: 5'))
    expect(odd.sources.size).toBe(2)
    expect(odd.unparsed.join('\n')).toMatch(/Something new/)
    expect(odd.unparsed.join('\n')).toMatch(/level counts add up to 6/)
    expect(parsePsadOutput('garbage\n').sources.size).toBe(0)
  })
})

function verdict(v: Partial<Verdict>): Verdict {
  return { dl: 0, packets: 0, sids: new Set(), ports: new Map(), invalidIcmp: new Set(), ...v }
}

describe('comparison', () => {
  test('a source only one tool lists differs in DL only; others field by field', () => {
    const psad = new Map([['a', verdict({ dl: 2, sids: new Set([1]) })], ['b', verdict({ dl: 1, ports: new Map([['x|tcp', '1-5']]) })]])
    const ours = new Map([['b', verdict({ dl: 1, ports: new Map([['x|tcp', '1-6']]) })], ['c', verdict({ dl: 3 })]])
    const c = compareVerdicts(psad, ours)
    expect(c.compared).toBe(3)
    expect(c.identicalDl).toBe(1)
    expect(c.diffs.map((d) => [d.ip, d.fields])).toEqual([['a', ['dl']], ['b', ['ports']], ['c', ['dl']]])
    expect(fieldEqual('signatures', verdict({ sids: new Set([1, 2]) }), verdict({ sids: new Set([2, 1]) }))).toBe(true)
  })
})

describe('expected differences', () => {
  const dir = mkdtemp(join(tmpdir(), 'psad-diff-test-'))
  afterAll(async () => rm(await dir, { recursive: true, force: true }))

  test('each has an id, a one-line reason and a way to recognise it', () => {
    const ids = EXPECTED_DIFFERENCES.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const e of EXPECTED_DIFFERENCES) {
      expect(e.reason).not.toMatch(/\n/)
      expect(e.variant !== undefined || e.explains !== undefined).toBe(true)
    }
  })

  test("psad's ICMP payload estimate: dsize bounds move down by 4, impossible rules are dropped", () => {
    const e = EXPECTED_DIFFERENCES.find((x) => x.id === 'payload-estimate')!
    const ctx = { psadConntrack: 'ignore', ourConntrack: 'ignore', persistence: false, psadErrorLines: 0, autoDl: false } as const
    const rule = e.variant!(ctx).rule!
    expect(rule('alert icmp any any -> any any (msg:"x"; dsize:0; itype:8; psad_id:1;)')).toBeNull()
    expect(rule('alert icmp any any -> any any (msg:"x"; dsize:8; itype:8; psad_id:1;)')).toContain(' dsize:4;')
    expect(rule('alert icmp any any -> any any (msg:"x"; dsize:>800; psad_id:1;)')).toContain(' dsize:>796;')
    const tcp = 'alert tcp any any -> any any (msg:"x"; dsize:>20; psad_id:1;)'
    expect(rule(tcp)).toBe(tcp)
  })

  test("psad's dead rules: icmp_id / icmp_seq / flags:0", () => {
    const e = EXPECTED_DIFFERENCES.find((x) => x.id === 'psad-dead-signatures')!
    const rule = e.variant!({ psadConntrack: 'ignore', ourConntrack: 'ignore', persistence: false, psadErrorLines: 0, autoDl: false }).rule!
    expect(rule('alert tcp any any -> any any (msg:"SCAN NULL"; flags:0; sid:623;)')).toBeNull()
    expect(rule('alert icmp any any -> any any (msg:"x"; icmp_id:456; itype:0; sid:228;)')).toBeNull()
    expect(rule('alert tcp any any -> any any (msg:"SCAN FIN"; flags:F,12; sid:621;)')).not.toBeNull()
  })

  test("portsleuth's own verdict switches: outbound lines left out of both inputs, --include-allowed", async () => {
    const d = await dir
    const ctx = { psadConntrack: 'ignore', ourConntrack: 'ignore', persistence: false, psadErrorLines: 0, autoDl: false } as const
    const variant = (id: string) => EXPECTED_DIFFERENCES.find((x) => x.id === id)!.variant!(ctx)
    expect(combine([variant('outbound-not-scored'), variant('allowed-not-scored'), variant('flood-scoring')])).toMatchObject({ withoutOutbound: true, includeAllowed: true, floodScoring: false })
    const ufw = join(CAPTURES, 'ufw-actions.log')
    const lines = (await readFile(ufw, 'utf8')).split('\n')
    const kept = (await readFile(await withoutOutbound(ufw, join(d, 'inbound.log')), 'utf8')).split('\n')
    expect(kept).toEqual(lines.filter((l) => !l.includes(' IN= OUT=eth0 ')))
    expect(kept.length).toBeLessThan(lines.length)
    const config = join(d, 'empty.conf')
    await writeFile(config, '')
    const run = (input: string, includeAllowed: boolean, floodScoring = true) => runPortsleuth({
      input, config, overrides: {}, signatures: join(d, 'empty.conf'), conntrack: 'ignore', year: undefined, fields: null,
      icmpValidation: true, autoDl: null, tmp: d, includeAllowed, floodScoring,
    })
    expect((await run(ufw, true)).report.summary.packets).toBeGreaterThan((await run(ufw, false)).report.summary.packets)
    const flood = join(CAPTURES, 'ssh-flood.log')
    expect((await run(flood, false)).report.sources.map((s) => s.dangerLevel)).toEqual([3])
    expect((await run(flood, false, false)).report.sources).toEqual([])
  })

  test('lines psad rejects are named by why', () => {
    expect(psadErrorKind('SRC=2001:db8::2 DST=2001:db8::1 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP')).toBe('compressed IPv6 address')
    expect(psadErrorKind('SRC=1.2.3.4 DST=5.6.7.8 LEN=48 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=UDPLITE SPT=1 DPT=2 LEN=28')).toBe('IPv4 UDPLITE')
    expect(psadErrorKind('LEN=72 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) PROTO=UDP SPT=1 DPT=2 LEN=24')).toBe('IPv6 UDP/ICMPv6 after extension headers')
    expect(psadErrorKind('PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 CWR ECE URGP=0')).toBe('TCP flags with only CWR/ECE')
  })

  test('a config override replaces a setting, even one that accumulates (FW_MSG_SEARCH)', async () => {
    const d = await dir
    const base = join(d, 'base.conf')
    await writeFile(base, 'FW_SEARCH_ALL    Y;\nFW_MSG_SEARCH    DROP;\nDANGER_LEVEL1    5;\n')
    expect(await configWith(base, {}, d)).toBe(base)
    const text = await readFile(await configWith(base, { FW_SEARCH_ALL: 'N', FW_MSG_SEARCH: 'nothere' }, d), 'utf8')
    expect(text.split('\n').filter((l) => /^FW_MSG_SEARCH/.test(l))).toEqual(['FW_MSG_SEARCH    nothere;'])
    expect(text).toMatch(/^FW_SEARCH_ALL    N;/)
    expect(text).toContain('DANGER_LEVEL1    5;')
  })
})

describe('attribution by experiment', () => {
  const ctx = { psadConntrack: 'ignore', ourConntrack: 'ignore', persistence: false, psadErrorLines: 0, autoDl: false } as const

  test('a difference a variant removes gets its cause; two causes need both; the rest is unexpected', async () => {
    const psad = new Map([['w', verdict({ dl: 1 })], ['both', verdict({ dl: 1 })], ['bug', verdict({ dl: 3 })]])
    const ours = new Map([['w', verdict({ dl: 0 })], ['both', verdict({ dl: 2, sids: new Set([623]) })], ['bug', verdict({ dl: 1 })]])
    const { diffs } = compareVerdicts(psad, ours)
    // A fake portsleuth: persistence brings 'w' to 1; 'both' needs persistence and no flags:0 rule.
    const runs: string[] = []
    const attributed = await attribute(diffs, ctx, async (v, tag) => {
      runs.push(tag)
      const persistent = v.overrides?.ENABLE_PERSISTENCE === 'Y'
      const noNull = v.rule !== undefined && v.rule('alert tcp any any -> any any (msg:"SCAN NULL"; flags:0; sid:623;)') === null
      const mine = new Map([
        ['w', verdict({ dl: persistent ? 1 : 0 })],
        ['both', persistent && noNull ? verdict({ dl: 1 }) : verdict({ dl: 2, sids: noNull ? new Set() : new Set([623]) })],
        ['bug', verdict({ dl: 1 })],
      ])
      return { theirs: psad, mine }
    })
    const causes = Object.fromEntries(attributed.map((a) => [a.diff.ip, a.causes]))
    expect(causes.w).toEqual({ dl: 'time-windows' })
    expect(causes.both).toEqual({ dl: 'time-windows+psad-dead-signatures', signatures: 'psad-dead-signatures' })
    expect(causes.bug).toEqual({ dl: UNEXPECTED })
    expect(runs).toContain('variant-all')
  })
})
