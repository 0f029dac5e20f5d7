// The numbered lines of the kill -9 test, shared by the child (a separate process) and the test.

export const BATCH = 97
export const TIME = { year: 2026, reference: Date.UTC(2026, 10, 22) }
const T0 = Date.UTC(2026, 10, 22, 6)

/** SCAN_TIMEOUT short enough that sources go idle and are compacted between restarts. */
export function killTestSettings(settings) {
  settings.detection = { ...settings.detection, scanTimeout: 120 }
  return settings
}

/** Line i: one of 3,000 sources scanning ports of 20 hosts, with a 10-minute pause every 4,000 lines. */
export function killTestLine(i) {
  const t = T0 + i * 20 + Math.floor(i / 4000) * 600_000
  const s = (i * 7919) % 3000
  const ts = new Date(t).toISOString().replace('Z', '000+00:00')
  return `${ts} fw kernel: DROP IN=eth0 OUT= SRC=10.${s >> 8}.${s & 255}.7 DST=192.0.2.${(i % 20) + 1} LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${i % 65536} PROTO=TCP SPT=40000 DPT=${(i * 31) % 2000 + 1} WINDOW=1024 RES=0x00 SYN URGP=0 `
}
