import { describe, expect, test } from 'vitest'
import { compileOsDatabase, explainSyn, newOsState, observeSyn, osGuesses, posfValues, verdicts, type OsDatabase } from '../../src/detect/os/index.js'
import type { Packet } from '../../src/parse/packet.js'
import { synPacket, type SynSpec } from '../helpers/os-syn.js'

// The per-source side of OS fingerprinting: which SYNs reach p0f or posf, what a source's state
// keeps, and how its guesses are ranked and reported.

const syn = (s: SynSpec = {}): Packet => synPacket(s, '020405B4')

const db = (fp: string, posf = ''): OsDatabase => compileOsDatabase({ p0f: [{ file: 't.fp', text: fp }], posf: [{ file: 't.posf', text: posf }] })

function guesses(d: OsDatabase, pkts: Packet[]) {
  const st = newOsState()
  for (const p of pkts) observeSyn(d, st, p, 20)
  return osGuesses(d, st)
}

// A scanner entry that takes any TTL up to 64, any window and any size, with one MSS option.
const ANY = db('*:64:*:*:M*:*scan:1::any SYN\n')

describe('which SYNs can be fingerprinted', () => {
  test.each<[string, SynSpec]>([
    ['no TTL', { ttl: -1 }],
    ['no LEN', { len: -1 }],
    ['no WINDOW', { window: -1 }],
  ])('a SYN with %s is incomplete: explainSyn gives null, observeSyn says so', (_what, s) => {
    expect(explainSyn(ANY, syn(s), 20)).toBeNull()
    const st = newOsState()
    expect(observeSyn(ANY, st, syn(s), 20)).toBe('incomplete')
    expect(st).toMatchObject({ syns: 1, unknown: 0, undecodable: 0, id0: -1, posfSyns: 0 })
  })

  test.each<[string, SynSpec]>([
    ['TTL 0', { ttl: 0 }],
    ['LEN 0', { len: 0 }],
    ['WINDOW 0', { window: 0 }],
  ])('%s is a value, not a missing field', (_what, s) => {
    expect(explainSyn(ANY, syn(s), 20)!.map((e) => e.label)).toEqual(['any SYN'])
    expect(observeSyn(ANY, newOsState(), syn(s), 20)).toBe('p0f')
  })

  test('without a logged options blob only a size-40 SYN goes to p0f (as the empty list)', () => {
    expect(explainSyn(ANY, syn({ opts: null, len: 60 }), 20)).toBeNull()
    expect(explainSyn(ANY, syn({ opts: null, len: 40 }), 20)).toEqual([])
    expect(explainSyn(db('*:64:*:40:.:*masscan:1::masscan'), syn({ opts: null, len: 40 }), 20)!.map((e) => e.label)).toEqual(['masscan'])
  })

  test('an undecodable blob cannot be explained', () => {
    expect(explainSyn(ANY, syn({ opts: '0204' }), 20)).toBeNull()
    expect(explainSyn(ANY, syn({ opts: '020405B4' }), 20)!.map((e) => e.label)).toEqual(['any SYN'])
  })

  test('an empty logged option list (OPT ()) is the empty list for p0f, not a SYN without options', () => {
    const d = db('*:64:*:60:.:Stack:1::no options, size 60\n', 'OS Bare; NUMPKTS 1; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 64240;\n')
    const st = newOsState()
    expect(observeSyn(d, st, syn({ opts: '' }), 20)).toBe('p0f')
    expect(st.posfSyns).toBe(0)
    expect(osGuesses(d, st).map((g) => g.os)).toEqual(['no options, size 60'])
  })
})

describe('kept verdicts and their ranking', () => {
  // Four OS entries (one per window 1-4), one @group entry (window 5) and one scanner (window 6).
  const D = db(
    [
      '1:64:1:60:M*:OS:1::os1',
      '2:64:1:60:M*:OS:2::os2',
      '3:64:1:60:M*:OS:3::os3',
      '4:64:1:60:M*:OS:4::os4',
      '5:64:1:60:M*:@Group:1::group',
      '6:64:1:60:M*:*scan:1::scanner',
    ].join('\n'),
  )
  const seen = (windows: number[]) => {
    const st = newOsState()
    for (const w of windows) expect(observeSyn(D, st, syn({ window: w }), 20)).toBe('p0f')
    return st
  }
  const label = (id: number): string => D.p0f.results[id]!.entry.label

  test('each verdict counts its own SYNs, first-seen first', () => {
    const st = seen([1, 2, 2, 3, 2, 3, 1, 2])
    expect(verdicts(st).map(([id, n]) => [label(id), n])).toEqual([['os1', 2], ['os2', 4], ['os3', 2]])
  })

  test.each([
    [[1, 2, 2], ['os2', 'os1']],
    [[1, 1, 2], ['os1', 'os2']],
    [[1, 2, 3], ['os1', 'os2', 'os3']],
    [[3, 2, 1], ['os3', 'os2', 'os1']],
    [[3, 2, 1, 1, 2, 2], ['os2', 'os1', 'os3']],
    [[1, 2, 3, 4, 4, 3, 3], ['os3', 'os4', 'os1', 'os2']],
    [[5, 5, 5, 1], ['os1', 'group']],
    [[1, 1, 1, 6], ['scanner', 'os1']],
  ])('windows %j rank as %j: class, then more SYNs, then first seen', (windows, order) => {
    expect(osGuesses(D, seen(windows)).map((g) => g.os)).toEqual(order)
  })
})

describe('posf guesses next to p0f ones', () => {
  const bare = (s: SynSpec) => syn({ ...s, opts: null })
  const randomIds = [9000, 100, 30000]

  test('a posf guess that names the same OS as a p0f verdict is not listed twice', () => {
    const same = db('*:64:1:60:M*:Linux:6::Linux 6\n', 'OS Linux 6; NUMPKTS 3; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 5840;\n')
    const pkts = [syn(), ...randomIds.map((ipId) => bare({ window: 5840, ipId }))]
    expect(guesses(same, pkts).map((g) => [g.os, g.method])).toEqual([['Linux 6', 'p0f']])
    const other = db('*:64:1:60:M*:Linux:6::Linux 6\n', 'OS Linux 5; NUMPKTS 3; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 5840;\n')
    expect(guesses(other, pkts).map((g) => [g.os, g.method])).toEqual([['Linux 6', 'p0f'], ['Linux 5', 'posf']])
  })

  test('the first matching posf entry is the guess; the others are named once each, at most three', () => {
    const names = ['Best', 'Other1', 'Other1', 'Best', 'Other2', 'Other3', 'Other4']
    const d = db('', names.map((n) => `OS ${n}; NUMPKTS 3; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 5840;`).join('\n'))
    expect(guesses(d, randomIds.map((ipId) => bare({ window: 5840, ipId })))).toEqual([
      { os: 'Best', method: 'posf', scanner: false, generic: false, packets: 3, signature: 't.posf:1', alsoMatched: ['Other1', 'Other2', 'Other3'] },
    ])
  })
})

describe('posf tracking', () => {
  const bare = (s: SynSpec) => syn({ ...s, opts: null })
  const track = (pkts: Packet[]) => {
    const st = newOsState()
    for (const p of pkts) observeSyn(db(''), st, p, 20)
    return st
  }
  const POSF = [
    'OS Counter; NUMPKTS 2; TOS 0x00; LEN 60; TTL 64; ID SMALLINCR; WINDOW 5840;',
    'OS Random; NUMPKTS 2; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 5840;',
    'OS Second window; NUMPKTS 2; TOS 0x00; LEN 60; TTL 64; ID RANDOM; WINDOW 8192;',
    'OS Lone; NUMPKTS 1; TOS 0x00; LEN 44; TTL 64; ID SMALLINCR; WINDOW 1024;',
  ].join('\n')
  const P = db('', POSF)
  const posfGuess = (pkts: Packet[]): string | undefined => guesses(P, pkts)[0]?.os

  test('a fresh state has seen nothing: no values, no TTL range, no IP ID', () => {
    const st = newOsState()
    expect(posfValues(st)).toEqual({ lens: [], windows: [] })
    expect(st).toMatchObject({ posfSyns: 0, ttlMin: 256, ttlMax: -1, lastId: -1, ipIds: 0, id0: -1, count0: 0, moreVerdicts: null })
  })

  test('repeated LEN and WINDOW values are remembered once', () => {
    expect(posfValues(track([bare({ window: 5840 }), bare({ window: 5840 }), bare({ window: 5840 })]))).toEqual({ lens: [60], windows: [5840] })
    expect(posfValues(track([bare({ window: 5840 }), bare({ window: 8192, len: 64 }), bare({ window: 5840 }), bare({ window: 8192, len: 64 })]))).toEqual({ lens: [60, 64], windows: [5840, 8192] })
  })

  test('an entry may match a value seen after the first', () => {
    expect(posfGuess([bare({ window: 1, ipId: 9000 }), bare({ window: 8192, ipId: 100 })])).toBe('Second window')
  })

  test.each([
    ['IDs 0 then 5 (ID 0 is an ID)', [0, 5], 'Counter'],
    ['IDs 0, 5000, 5001 (the first step is large)', [0, 5000, 5001], 'Random'],
    ['a step of 999', [10, 1009, 1010], 'Counter'],
    ['a step of exactly 1000', [10, 1010, 1011], 'Random'],
    ['no IP IDs at all', [-1, -1, -1], undefined],
    ['only one IP ID', [-1, 7, -1], undefined],
  ])('%s: %s', (_what, ids, os) => {
    expect(posfGuess(ids.map((ipId) => bare({ window: 5840, ipId })))).toBe(os)
  })

  test('an entry that needs one SYN still needs two IP IDs to judge the ID behaviour', () => {
    expect(posfGuess([bare({ len: 44, window: 1024, ipId: 5 })])).toBeUndefined()
    expect(posfGuess([bare({ len: 44, window: 1024, ipId: 5 }), bare({ len: 44, window: 1024, ipId: 6 })])).toBe('Lone')
  })
})
