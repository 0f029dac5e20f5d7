// Lines built to make a scanner rescan: each shape repeats the part a naive parser would search
// again and again (`IN=` without ` OUT=`, unclosed brackets and groups, `kernel:` tags, keys…).
// Used by bench/hostile.ts (timings) and test/unit/line-linear.test.ts (a bound only linear time meets).

export interface HostileShape {
  name: string
  /** A line of at least `size` bytes. */
  line: (size: number) => string
  /** What the parser must make of it. */
  verdict: 'packet' | 'not-firewall' | 'malformed' | 'non-ip'
}

const HEAD = 'Nov 22 10:00:00 fw kernel: '
const BODY = 'IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 '

const fill = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length))

export const HOSTILE_SHAPES: readonly HostileShape[] = [
  { name: '`IN=x` repeated, no ` OUT=`', line: (n) => HEAD + fill('IN=x', n), verdict: 'not-firewall' },
  { name: '`IN=x` repeated before a body', line: (n) => `${HEAD}${fill('IN=x', n)} ${BODY}`, verdict: 'packet' },
  { name: '`IN=` with long values, no ` OUT=`', line: (n) => HEAD + fill(`IN=${'x'.repeat(61)} `, n), verdict: 'not-firewall' },
  { name: '`kernel:` tags before the body', line: (n) => HEAD + fill('kernel: ', n) + BODY, verdict: 'packet' },
  { name: 'unclosed `[`', line: (n) => HEAD + BODY + fill('[', n), verdict: 'malformed' },
  { name: 'nested brackets, closed', line: (n) => HEAD + BODY + fill('[', n / 2) + fill(']', n / 2), verdict: 'packet' },
  { name: 'unclosed `OPT (` groups', line: (n) => HEAD + BODY + fill('OPT ( ', n), verdict: 'malformed' },
  { name: 'many unknown keys', line: (n) => HEAD + BODY + fill('A=1 ', n), verdict: 'packet' },
  { name: 'equals signs', line: (n) => HEAD + BODY + fill('=', n), verdict: 'packet' },
  { name: 'spaces', line: (n) => HEAD + BODY + fill(' ', n), verdict: 'packet' },
  { name: 'a long MAC= value', line: (n) => `${HEAD}IN=eth0 OUT= MAC=${fill('a', n)} ${BODY.slice('IN=eth0 OUT= '.length)}`, verdict: 'packet' },
  { name: 'a long number', line: (n) => HEAD + BODY.replace('TTL=50', `TTL=${fill('9', n)}`), verdict: 'malformed' },
  { name: 'a long address of colons', line: (n) => HEAD + BODY.replace('SRC=203.0.113.5', `SRC=${fill(':', n)}`), verdict: 'malformed' },
  { name: '`IN= OUT=` repeated', line: (n) => HEAD + fill('IN= OUT= ', n), verdict: 'malformed' },
  { name: '`SRC=` repeated', line: (n) => HEAD + BODY + fill('SRC=1.2.3.4 ', n), verdict: 'malformed' },
  { name: '`Packet log: ` repeated', line: (n) => HEAD + fill('Packet log: ', n), verdict: 'malformed' },
  { name: 'colons in the head', line: (n) => fill('a:', n), verdict: 'not-firewall' },
  { name: 'RFC 5424 structured data', line: (n) => `<4>1 2026-11-22T10:00:00Z fw kernel - - ${fill('[a x="\\]"]', n)} ${BODY}`, verdict: 'packet' },
]
