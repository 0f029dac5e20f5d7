// Micro-benchmark of the per-packet address lookups: reputation lists (AddressTable, longest-prefix
// match by binary search) and auto_dl. Prints build time and lookups per second for IPv4 and IPv6.
// Run: npx tsx bench/reputation.ts [entries]   (default 200,000 list entries)
//
// Not a test: timings depend on the machine. The unit tests check the structure, not the speed.

import { AutoDl } from '../src/detect/auto-dl.js'
import { parseAutoDl } from '../src/config/auto-dl.js'
import { parseReputationList, Reputation } from '../src/config/reputation.js'
import { formatIPv4 } from '../src/parse/address.js'
import { PROTO_TCP } from '../src/parse/packet.js'

const entries = Number(process.argv[2] ?? 200_000)
let seed = 42
const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0)
const hex = (): string => (rnd() & 0xffff).toString(16)

function rate(label: string, n: number, fn: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 100_000); i++) fn(i) // warm-up
  const t0 = process.hrtime.bigint()
  let found = 0
  for (let i = 0; i < n; i++) {
    const r = fn(i)
    if (r !== null && r !== undefined) found++
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  console.log(`${label.padEnd(44)} ${(n / s / 1e6).toFixed(2).padStart(7)} M lookups/s  (${found} of ${n} listed)`)
}

function timed<T>(label: string, fn: () => T): T {
  const t0 = process.hrtime.bigint()
  const out = fn()
  console.log(`${label.padEnd(44)} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0).padStart(7)} ms`)
  return out
}

// A list shaped like real ones: mostly single addresses, some /24../16 networks, 5% IPv6.
const lines: string[] = []
for (let i = 0; i < entries; i++) {
  if (i % 20 === 0) lines.push(`2001:db8:${hex()}:${hex()}::${hex()}${i % 40 === 0 ? '/64' : ''}`)
  else if (i % 10 === 0) lines.push(`${formatIPv4(rnd())}/${[16, 20, 24][rnd() % 3]} ; SBL${i}`)
  else lines.push(formatIPv4(rnd()))
}
const text = lines.join('\n')
const parsed = timed(`parse list (${entries} lines)`, () => parseReputationList(text, { name: 'bench', dl: 4, file: 'bench.txt', origin: '--reputation' }))
const rep = timed('build lookup table', () => Reputation.fromLists([parsed]))
console.log(`${''.padEnd(44)} ${rep.table.v4.count} IPv4 + ${rep.table.v6.count} IPv6 intervals`)

const N = 5_000_000
const v4 = Uint32Array.from({ length: 1 << 16 }, () => rnd())
rate('reputation IPv4, random sources', N, (i) => rep.table.indexV4(v4[i & 0xffff]!) >= 0 ? 1 : null)
const v4text = Array.from(v4.slice(0, 4096), (n) => formatIPv4(n))
rate('reputation IPv4 lookup(text, num)', N, (i) => rep.lookup(v4text[i & 4095]!, v4[i & 4095]!))
const v6text = Array.from({ length: 4096 }, () => `2001:db8:${hex()}:${hex()}::${hex()}`)
rate('reputation IPv6 lookup(text) (word cache)', N, (i) => rep.lookup(v6text[i & 4095]!, -1))

const auto = timed('build auto_dl (10,000 entries)', () =>
  parseAutoDl(Array.from({ length: 10_000 }, (_, i) => `${formatIPv4(rnd())}/${[16, 24, 32][i % 3]} ${i % 6}${i % 4 === 0 ? ' tcp/1-1024' : ''};`).join('\n'), 'auto_dl'))
rate('auto_dl lookup(src, num, proto, dport)', N, (i) => auto.lookup(v4text[i & 4095]!, v4[i & 4095]!, PROTO_TCP, i & 2047))
const cached = v4text.map((t, i) => auto.candidates(t, v4[i]!))
rate('auto_dl per-source candidates + pick()', N, (i) => AutoDl.pick(cached[i & 4095]!, PROTO_TCP, i & 2047))
