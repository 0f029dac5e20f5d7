import { describe, expect, test } from 'vitest'
import { HeaderParser, type Header } from '../../src/parse/syslog-header.js'

// The head of a line (everything before the firewall message), format by format: the time, host and
// tag it names, where the message starts, and why a head that looks like one is refused. The kernel's
// uptime and printk caller id are not part of the message; nor is an RFC 5424 BOM.

const ctx = { year: 2026, reference: Date.UTC(2026, 11, 6) }

interface Want { time: string | null; message: string; host?: string; tag?: string; error?: string; pve?: boolean; chain?: string }

function head(line: string): Want {
  const b = Buffer.from(line, 'utf8')
  const out: Header = { time: 0, host: '', tag: '', msgStart: 0, error: '', dialect: 0, chain: '' }
  new HeaderParser().parse(b, 0, b.length, ctx, out)
  const w: Want = { time: Number.isNaN(out.time) ? null : new Date(out.time).toISOString(), message: b.subarray(out.msgStart).toString('utf8') }
  if (out.host !== '') w.host = out.host
  if (out.tag !== '') w.tag = out.tag
  if (out.error !== '') w.error = out.error
  if (out.dialect !== 0) w.pve = true
  if (out.chain !== '') w.chain = out.chain
  return w
}

describe('line heads', () => {
  test.each<[string, Want]>([
    ['[ 123.456] DROP IN=', { time: null, message: 'DROP IN=' }],
    ['[123.456]DROP', { time: null, message: 'DROP' }],
    ['[   5.000000]   DROP', { time: null, message: 'DROP' }],
    ['[ 123] DROP', { time: null, message: '[ 123] DROP' }],
    ['[1.2.3] DROP', { time: null, message: '[1.2.3] DROP' }],
    ['[11111111111111111111111111111.5] DROP', { time: null, message: 'DROP' }],
    ['[111111111111111111111111111111.5] DROP', { time: null, message: '[111111111111111111111111111111.5] DROP' }],
    ['[ 1.5][    C1] DROP', { time: null, message: 'DROP' }],
    ['[ 1.5][ T1234567890] DROP', { time: null, message: 'DROP' }],
    ['[ 1.5][ T12345678901] DROP', { time: null, message: '[ T12345678901] DROP' }],
    ['[ 1.5][           T1] DROP', { time: null, message: 'DROP' }],
    ['[ 1.5][            T1] DROP', { time: null, message: '[            T1] DROP' }],
    ['[ 1.5][C] DROP', { time: null, message: '[C] DROP' }],
    ['[ 1.5][X1] DROP', { time: null, message: '[X1] DROP' }],
    ['[ 1.5][T1 DROP', { time: null, message: '[T1 DROP' }],
    ['[ 1.5] fw kernel: DROP', { time: null, message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['[ 1.5] fw: DROP', { time: null, message: 'fw: DROP' }],
    ['[ 1.5] a=b kernel: DROP', { time: null, message: 'a=b kernel: DROP' }],
    ['[ 1.5] fw DROP', { time: null, message: 'fw DROP' }],
    ['101 6 tap101i0-IN 04/Dec/2026:15:05:57 +0100 policy DROP: IN=', { time: '2026-12-04T14:05:57.000Z', message: 'policy DROP: IN=', pve: true, chain: 'tap101i0-IN' }],
    ['0 7 - 04/Dec/2026:15:05:57 +0100 x', { time: '2026-12-04T14:05:57.000Z', message: 'x', pve: true }],
    ['12345678901 6 c 04/Dec/2026:15:05:57 +0100 x', { time: '2026-12-04T14:05:57.000Z', message: 'x', pve: true, chain: 'c' }],
    ['123456789012 6 c 04/Dec/2026:15:05:57 +0100 x', { time: null, message: '123456789012 6 c 04/Dec/2026:15:05:57 +0100 x' }],
    ['101 8 c 04/Dec/2026:15:05:57 +0100 x', { time: null, message: '101 8 c 04/Dec/2026:15:05:57 +0100 x' }],
    ['101 6 cccccccccccccccccccccccccccc 04/Dec/2026:15:05:57 +0100 x', { time: '2026-12-04T14:05:57.000Z', message: 'x', pve: true, chain: 'cccccccccccccccccccccccccccc' }],
    ['101 6 ccccccccccccccccccccccccccccc 04/Dec/2026:15:05:57 +0100 x', { time: null, message: '101 6 ccccccccccccccccccccccccccccc 04/Dec/2026:15:05:57 +0100 x', error: 'Proxmox VE line without a chain name of 1-28 bytes', pve: true }],
    ['101 6  04/Dec/2026:15:05:57 +0100 x', { time: null, message: '101 6  04/Dec/2026:15:05:57 +0100 x', error: 'Proxmox VE line without a chain name of 1-28 bytes', pve: true }],
    ['101 6 c', { time: null, message: '101 6 c', error: 'Proxmox VE line without a chain name of 1-28 bytes', pve: true }],
    ['101 6 c 04/Dec/2026:15:05:57 +0100', { time: '2026-12-04T14:05:57.000Z', message: '', pve: true, chain: 'c' }],
    ['101 6 c 4/Dec/2026:15:05:57 +0100 x', { time: null, message: '101 6 c 4/Dec/2026:15:05:57 +0100 x', error: 'not `dd/Mon/yyyy:hh:mm:ss +hhmm` in timestamp \'4/Dec/2026:15:05:57 +0100 x\'', pve: true }],
    ['<4>1 2026-11-22T07:15:55Z fw kernel - - - DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<4>1 - fw kernel - - - DROP', { time: null, message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<4>1 2026-11-22T07:15:55Z - - - - - DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP' }],
    ['<4>1 2026-11-22T07:15:55Z fw kernel - - [a x="1\\]2"][b] DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<4>1 2026-11-22T07:15:55Z fw kernel - - - \uFEFFDROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<4>1 2026-02-31T07:15:55Z fw kernel - - - DROP', { time: null, message: '<4>1 2026-02-31T07:15:55Z fw kernel - - - DROP', error: 'no such date in timestamp \'2026-02-31T07:15:55Z fw kernel - - - DRO\'' }],
    ['<12345>1 2026-11-22T07:15:55Z fw kernel - - - DROP', { time: null, message: '<12345>1 2026-11-22T07:15:55Z fw kernel - - - DROP' }],
    ['<1234>1 2026-11-22T07:15:55Z fw kernel - - - DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<>1 2026-11-22T07:15:55Z fw kernel - - - DROP', { time: null, message: '<>1 2026-11-22T07:15:55Z fw kernel - - - DROP' }],
    ['<4>2 2026-11-22T07:15:55Z fw kernel - - - DROP', { time: null, message: '<4>2 2026-11-22T07:15:55Z fw kernel - - - DROP' }],
    ['<4>Nov 22 07:15:55 fw kernel: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['<4>1 2026-11-22T07:15:55Z fw', { time: '2026-11-22T07:15:55.000Z', message: '', host: 'fw' }],
    ['Nov 22 07:15:55 fw kernel: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['Nov 22 07:15:55 fw ulogd[123]: IN=', { time: '2026-11-22T07:15:55.000Z', message: 'IN=', host: 'fw', tag: 'ulogd' }],
    ['Nov 22 07:15:55 fw IN=eth0', { time: '2026-11-22T07:15:55.000Z', message: 'IN=eth0', host: 'fw' }],
    ['Nov 22 07:15:55 kernel: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', tag: 'kernel' }],
    ['Nov 22 07:15:55 IN=eth0 OUT=', { time: '2026-11-22T07:15:55.000Z', message: 'IN=eth0 OUT=' }],
    ['Nov 22 07:15:55 [ 1.5] DROP', { time: '2026-11-22T07:15:55.000Z', message: '[ 1.5] DROP' }],
    ['Nov 22 07:15:55 fw :', { time: '2026-11-22T07:15:55.000Z', message: ':', host: 'fw' }],
    ['Nov 22 07:15:55 fw k: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'k' }],
    ['Nov 22 07:15:55 fw a=b: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'a=b: DROP', host: 'fw' }],
    ['Nov 22 07:15:55.5x fw', { time: null, message: 'Nov 22 07:15:55.5x fw', error: 'timestamp not followed by a space' }],
    ['Nov 22 07:15:55', { time: '2026-11-22T07:15:55.000Z', message: '' }],
    ['Nov 22 07:15:55   fw   kernel:   [ 1.5]   DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['kern.log:Nov 22 07:15:55 fw kernel: DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    ['kern.log:garbage', { time: null, message: 'kern.log:garbage' }],
    [':Nov 22 07:15:55 fw kernel: DROP', { time: null, message: ':Nov 22 07:15:55 fw kernel: DROP' }],
    ['a b:Nov 22 07:15:55 fw kernel: DROP', { time: null, message: 'a b:Nov 22 07:15:55 fw kernel: DROP' }],
    ['[Fri Dec  4 15:05:56 2026] [ 1.5] DROP', { time: '2026-12-04T15:05:56.000Z', message: 'DROP' }],
    ['[Fri Dec  4 15:05:56 2026]x DROP', { time: null, message: '[Fri Dec  4 15:05:56 2026]x DROP', error: 'timestamp not followed by a space' }],
    ['Nov 22 07:15:55 fw kernel: [ 1.5][ T1] DROP', { time: '2026-11-22T07:15:55.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
    [' 1月 04 15:05:56 fw kernel: DROP', { time: '2026-01-04T15:05:56.000Z', message: 'DROP', host: 'fw', tag: 'kernel' }],
  ])('%j', (line, want) => {
    expect(head(line)).toEqual(want)
  })
})
