import { describe, expect, test } from 'vitest'
import { HeaderParser, pveMessageStart, type Header } from '../../src/parse/syslog-header.js'

// Line heads near the forms they are not: what is only a lookalike of a kernel uptime, a caller id,
// a syslog PRI, a Proxmox VE head, a `grep -H` file name or an RFC 5424 field keeps its bytes in the
// message (or gives no time); the edges of the real forms are read as they are.

const ctx = { year: 2026, reference: Date.UTC(2026, 11, 6) }

interface Got { time: string | null; message: string; host?: string; tag?: string; pve?: boolean; chain?: string; error?: string }

function head(line: string, parser = new HeaderParser()): Got {
  const b = Buffer.from(line, 'utf8')
  const out: Header = { time: 0, host: '', tag: '', msgStart: 0, error: '', dialect: 0, chain: '' }
  parser.parse(b, 0, b.length, ctx, out)
  const got: Got = { time: Number.isNaN(out.time) ? null : new Date(out.time).toISOString(), message: b.subarray(out.msgStart).toString('utf8') }
  if (out.host !== '') got.host = out.host
  if (out.tag !== '') got.tag = out.tag
  if (out.dialect !== 0) got.pve = true
  if (out.chain !== '') got.chain = out.chain
  if (out.error !== '') got.error = out.error
  return got
}

const PVE_REST = 'tap101i0-IN 14/Mar/2014:12:47:07 +0100 policy DROP: IN=fwbr101i0'
const PVE_TIME = '2014-03-14T11:47:07.000Z'
const PVE_MESSAGE = 'policy DROP: IN=fwbr101i0'

describe('kernel uptime and caller id lookalikes', () => {
  test.each<[string, Got]>([
    ['Dec  6 10:00:00 fw kernel: 1.5] DROP IN=', { time: '2026-12-06T10:00:00.000Z', host: 'fw', tag: 'kernel', message: '1.5] DROP IN=' }],
    ['[ 1.5] xT1] DROP', { time: null, message: 'xT1] DROP' }],
    ['[ 1.5][ T1.2] DROP', { time: null, message: '[ T1.2] DROP' }],
    ['[ 1.5][ T1/] DROP', { time: null, message: '[ T1/] DROP' }],
    ['[ 1.5][ T19] DROP', { time: null, message: 'DROP' }],
  ])('%j', (line, want) => {
    expect(head(line)).toEqual(want)
  })

  test('dmesg: a log prefix ending in a colon is no host, even when a word ending in a colon follows', () => {
    expect(head('[ 1.5] FW: DROP: IN=eth0')).toEqual({ time: null, message: 'FW: DROP: IN=eth0' })
  })
})

describe('syslog PRI lookalikes', () => {
  test.each([
    '<x4>1 2026-11-22T07:15:55Z fw kernel - - - DROP',
    '<4>10 2026-11-22T07:15:55Z fw kernel - - - DROP',
    '<4>1x2026-11-22T07:15:55Z fw kernel - - - DROP',
  ])('%j is no RFC 5424 head', (line) => {
    expect(head(line)).toEqual({ time: null, message: line })
  })

  test('an RFC 5424 time that is no timestamp gives no time, whatever the line before gave', () => {
    const parser = new HeaderParser()
    expect(head('<4>1 2026-11-22T07:15:55Z fw kernel - - - DROP', parser).time).toBe('2026-11-22T07:15:55.000Z')
    expect(head('<4>1 soon fw kernel - - - DROP', parser)).toEqual({ time: null, host: 'fw', tag: 'kernel', message: 'DROP' })
  })

  test.each<[string, Got]>([
    ['<4>1 2026-11-22T07:15:55Z h k - - - DROP', { time: '2026-11-22T07:15:55.000Z', host: 'h', tag: 'k', message: 'DROP' }],
    ['<4>1 2026-11-22T07:15:55Z -fw -k - - - DROP', { time: '2026-11-22T07:15:55.000Z', host: '-fw', tag: '-k', message: 'DROP' }],
    ['<4>1 2026-11-22T07:15:55Z - - - - - DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP' }],
  ])('RFC 5424 host and app name of one byte, or starting with -, are names; - alone is none: %j', (line, want) => {
    expect(head(line)).toEqual(want)
  })

  test.each([
    ['\uf8ff DROP', '\uf8ff DROP'],
    ['\ufee0 DROP', '\ufee0 DROP'],
    ['\ufeffDROP', 'DROP'],
  ])('only a real BOM before an RFC 5424 message is dropped (%j)', (msg, want) => {
    expect(head(`<4>1 2026-11-22T07:15:55Z fw kernel - - - ${msg}`).message).toBe(want)
  })
})

describe('Proxmox VE heads at their edges', () => {
  test.each<[string, Got]>([
    [`0 0 ${PVE_REST}`, { time: PVE_TIME, pve: true, chain: 'tap101i0-IN', message: PVE_MESSAGE }],
    [`999 7 ${PVE_REST}`, { time: PVE_TIME, pve: true, chain: 'tap101i0-IN', message: PVE_MESSAGE }],
    [`12345678901 6 ${PVE_REST}`, { time: PVE_TIME, pve: true, chain: 'tap101i0-IN', message: PVE_MESSAGE }],
  ])('%j is a Proxmox VE head (VM ids of up to 11 digits, levels 0 to 7)', (line, want) => {
    expect(head(line)).toEqual(want)
    expect(pveMessageStart(Buffer.from(line), 0, line.length)).toBe(line.indexOf('policy'))
  })

  test.each([
    `123456789012 6 ${PVE_REST}`,
    `101 8 ${PVE_REST}`,
    `101 67 ${PVE_REST}`,
    `101x6 ${PVE_REST}`,
    ` 6 ${PVE_REST}`,
  ])('%j is no Proxmox VE head', (line) => {
    expect(pveMessageStart(Buffer.from(line), 0, line.length)).toBe(-1)
    expect(head(line).pve).toBeUndefined()
  })

  test('a range that ends inside the VM id is no Proxmox VE head, whatever follows it', () => {
    const b = Buffer.from(`101 6 ${PVE_REST}`)
    expect(pveMessageStart(b, 0, 2)).toBe(-1)
  })
})

describe('grep -H file names', () => {
  test('a file name is only read at the very start of the line', () => {
    expect(head('kern.log:Mar 11 20:35:11 fw kernel: DROP')).toEqual({ time: '2026-03-11T20:35:11.000Z', host: 'fw', tag: 'kernel', message: 'DROP' })
    expect(head('  kern.log:Mar 11 20:35:11 fw kernel: DROP').time).toBeNull()
  })

  test('a dmesg -T line after a file name has its message right after the time', () => {
    expect(head('dmesg.txt:[Fri Dec  4 15:05:56 2026] FINAL_REJECT: IN=eth0')).toEqual({ time: '2026-12-04T15:05:56.000Z', message: 'FINAL_REJECT: IN=eth0' })
  })
})
