// Writes the two fixtures no lab here can record, from the packets of a real capture:
//
//   fmt-printk-caller.log  the kernel's messages with printk caller ids (CONFIG_PRINTK_CALLER, off
//                          in the lab's kernel): `[%5lu.%06lu]` then `[%6s]` of `T<pid>` or `C<cpu>`,
//                          as printk prints them to the console and /proc/kmsg (glued), as util-linux
//                          dmesg prints them (`[…] [  T1234] `), and as rsyslog's imklog keeps them
//                          after `kernel:`.
//   fmt-pve-firewall.log   Proxmox VE's /var/log/pve-firewall.log, as pvefw-logger prints it:
//                          `<vmid> <level> <chain> %d/%b/%Y:%H:%M:%S %z <prefix>`, then IN=, OUT=,
//                          PHYSIN=, PHYSOUT= only when there is one, MAC=, the IPv4 header (FRAG=n
//                          before DF/MF), TCP's SPT DPT SEQ ACK WINDOW and flags (no RES=, URGP= only
//                          with URG), UDP's `LEN=%u` without a space after it, ICMP, `mark=%u`; its
//                          own status lines (`0 5 - … starting pvefw logger`) too.
//
// Both take the SYN scan of fmt-dmesg.log (real kernel output: addresses, ports, TTLs, IDs) and
// only rewrite each line's head or layout. Run: npx tsx scripts/capture/handmade.ts [DIR]

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = process.argv[2] ?? fileURLToPath(new URL('../../test/fixtures/captures/', import.meta.url))
const source = readFileSync(path.join(dir, 'fmt-dmesg.log'), 'utf8').trimEnd().split('\n')

interface Scan {
  uptime: string
  fields: Map<string, string>
  body: string
}

const scans: Scan[] = source.map((line) => {
  const uptime = /^\[\s*(\d+\.\d+)\]/.exec(line)![1]!
  const body = line.slice(line.indexOf('IN='))
  const fields = new Map<string, string>()
  for (const m of body.matchAll(/(\w+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!)
  return { uptime, fields, body }
})

// printk: `[%5lu.%06lu]` and the caller `[%6s]`, glued on the console and in /proc/kmsg; dmesg
// prints a space between them; imklog (KeepKernelTimestamp) keeps them after the syslog tag.
const caller = (k: number): string => (k % 3 === 0 ? `C${k % 4}` : `T${1200 + k}`).padStart(6)
const printk = scans.map((s, k) => {
  const stamp = `[${s.uptime.padStart(12)}]`
  switch (k % 3) {
    case 0:
      return `${stamp}[${caller(k)}] DROP ${s.body}`
    case 1:
      return `${stamp} [${caller(k)}] DROP ${s.body}`
    default:
      return `Dec  4 19:49:${String(10 + k).padStart(2, '0')} fw kernel: ${stamp}[${caller(k)}] DROP ${s.body}`
  }
})
writeFileSync(path.join(dir, 'fmt-printk-caller.log'), `${printk.join('\n')}\n`)

// pvefw-logger, for the host firewall (vmid 0, chain PVEFW-HOST-IN, no OUT=), one packet in three
// through a VM's firewall bridge (IN= and OUT= both, PHYSIN/PHYSOUT, chain tap101i0-IN).
const f = (s: Scan, key: string): string => s.fields.get(key)!
const ipHeader = (s: Scan): string => `SRC=${f(s, 'SRC')} DST=${f(s, 'DST')} LEN=${f(s, 'LEN')} TOS=${f(s, 'TOS')} PREC=${f(s, 'PREC')} TTL=${f(s, 'TTL')} ID=${f(s, 'ID')} `
const time = (k: number): string => `04/Dec/2026:20:49:${String(10 + k).padStart(2, '0')} +0100`
const pve: string[] = ['0 5 - 04/Dec/2026:20:49:00 +0100 starting pvefw logger']
scans.forEach((s, k) => {
  const vm = k % 3 === 1
  const head = vm ? `101 6 tap101i0-IN ${time(k)} policy DROP: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101o0 PHYSOUT=tap101i0 ` : `0 6 PVEFW-HOST-IN ${time(k)} policy DROP: IN=vmbr0 PHYSIN=enp1s0 `
  pve.push(`${head}MAC=${f(s, 'MAC')} ${ipHeader(s)}PROTO=TCP SPT=${f(s, 'SPT')} DPT=${f(s, 'DPT')} SEQ=${1000 + k} ACK=0 WINDOW=${f(s, 'WINDOW')} SYN `)
})
const first = scans[0]!
const udp = `0 6 PVEFW-HOST-IN ${time(31)} policy DROP: IN=vmbr0 PHYSIN=enp1s0 MAC=${f(first, 'MAC')} SRC=${f(first, 'SRC')} DST=${f(first, 'DST')} LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=4242 PROTO=UDP SPT=53000 DPT=161 LEN=9`
pve.push(udp, `${udp.replace('ID=4242', 'ID=4243').replace('DPT=161', 'DPT=162')}mark=3 `)
pve.push(`0 6 PVEFW-HOST-IN ${time(33)} policy DROP: IN=vmbr0 PHYSIN=enp1s0 MAC=${f(first, 'MAC')} SRC=${f(first, 'SRC')} DST=${f(first, 'DST')} LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=4244 DF PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=1 `)
pve.push(`0 6 PVEFW-HOST-IN ${time(34)} policy DROP: IN=vmbr0 PHYSIN=enp1s0 MAC=${f(first, 'MAC').replace(/08:00$/, '08:06')} SRC=${f(first, 'SRC')} DST=${f(first, 'DST')} PROTO=ARP REQUEST `)
pve.push('0 5 - 04/Dec/2026:20:50:00 +0100 stopping pvefw logger')
writeFileSync(path.join(dir, 'fmt-pve-firewall.log'), `${pve.join('\n')}\n`)
process.stdout.write(`wrote ${printk.length} + ${pve.length} lines in ${dir}\n`)
