import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { defaultSettings } from '../../src/config/settings.js'
import { parseSignatures } from '../../src/detect/signatures/grammar.js'
import { BUNDLED_SIGNATURES } from '../../src/config/signatures.js'
import { SignatureIndex } from '../../src/detect/signatures/signature-index.js'
import type { Signature } from '../../src/detect/signatures/types.js'
import { LineParser } from '../../src/parse/line.js'
import type { Packet } from '../../src/parse/packet.js'

// The shipped signature set (signatures/portsleuth.sig), rule by rule: every rule carries sample
// log lines that must come out as that rule, and the suite fails for a rule without one
// (STYLE.md, after fail2ban's "Regex has no samples").

const CAPTURES = new URL('../fixtures/captures/', import.meta.url)
const text = readFileSync(BUNDLED_SIGNATURES, 'utf8')
const fileLines = text.split(/\r?\n/)
const loaded = parseSignatures(text, BUNDLED_SIGNATURES, { vars: defaultSettings().vars, strict: true })
const sigs = loaded.signatures
const index = new SignatureIndex(sigs)
const parser = new LineParser({ sidString: 'SID' })

const SAMPLE = /^#\s*sample:\s?(.*)$/
const CONSTRUCTED = /^#\s*sample \(constructed\):\s?(.*)$/

function packet(line: string): Packet {
  const p = parser.parse(line, { year: 2026, reference: Date.UTC(2026, 10, 22) })
  if (typeof p === 'string') throw new Error(`sample does not parse as a packet (${p}: ${parser.error}): ${line}`)
  return p
}

/** The keys of every signature the index returns for a log line. */
function hits(line: string): string[] {
  const out: Signature[] = []
  index.match(packet(line), out)
  return out.map((s) => s.key)
}

/** The `# sample:` lines the grammar attached, plus `# sample (constructed):` lines, which it does not read. */
function samplesOf(sig: Signature): string[] {
  const out = [...sig.samples]
  for (let i = sig.line - 2; i >= 0; i--) {
    const raw = fileLines[i]!.trim()
    if (!raw.startsWith('#')) break
    const m = CONSTRUCTED.exec(raw)
    if (m !== null) out.push(m[1]!)
  }
  return out
}

function rule(key: string): Signature {
  const sig = sigs.find((s) => s.key === key)
  if (sig === undefined) throw new Error(`no rule ${key} in the bundled set`)
  return sig
}

function capture(name: string): string[] {
  return readFileSync(new URL(name, CAPTURES), 'utf8').split('\n').filter((l) => l.trim() !== '')
}

describe('bundled signature set (signatures/portsleuth.sig)', () => {
  test('loads in strict mode without a warning', () => {
    expect(loaded.warnings).toEqual([])
    expect(sigs.length).toBeGreaterThanOrEqual(100)
  })

  test('ids are unique; our own psad_ids are 300001 and up, never psad\'s 100000-100210', () => {
    const ids = sigs.flatMap((s) => [...(s.sid === null ? [] : [`sid:${s.sid}`]), ...(s.psadId === null ? [] : [`psad_id:${s.psadId}`])])
    expect(ids.length).toBe(new Set(ids).size)
    for (const s of sigs) {
      if (s.psadId !== null) expect(s.psadId, `${s.file}:${s.line} ${s.msg}`).toBeGreaterThanOrEqual(300001)
      if (s.sid !== null) expect(s.sid >= 100000 && s.sid <= 100210, `${s.file}:${s.line} ${s.msg}`).toBe(false)
    }
  })

  test('every rule has msg, classtype and a danger level of 2, or 3 for backdoor/DDoS tools only', () => {
    for (const s of sigs) {
      const where = `${s.file}:${s.line} ${s.msg}`
      expect(s.msg, where).not.toBe('')
      expect(s.classtype, where).not.toBeNull()
      // Policy of the set (see its header). psad_dl 0 would even make the engine drop the packet.
      expect([2, 3], where).toContain(s.dl)
      if (s.dl === 3) expect(s.msg, where).toMatch(/^(BACKDOOR|DDOS) /)
    }
  })

  test('covers the detections the set promises', () => {
    const keys = new Set(sigs.map((s) => s.key))
    const required = [
      'psad_id:300010', 'psad_id:300012', 'psad_id:300014', 'sid:145', 'sid:2375', 'sid:2182', 'psad_id:300018', // backdoors
      'sid:249', 'sid:241', 'psad_id:300053', 'psad_id:300054', 'psad_id:300055', 'sid:228', 'sid:224', 'sid:226', 'sid:236', // DDoS
      'sid:629', 'sid:621', 'sid:1228', 'sid:625', 'sid:623', 'sid:624', 'sid:613', 'sid:622', // scans
      'psad_id:300001', 'sid:2003', 'psad_id:300111', 'psad_id:300110', // MS-SQL, Slammer, fwknop, Nachi
      'sid:524', 'sid:525', 'sid:526', 'sid:527', 'sid:1321', 'sid:500', 'sid:502', 'psad_id:300120', 'psad_id:300121', // bad traffic
      'sid:408', 'sid:384', 'sid:469', 'sid:402', 'sid:407', 'sid:472', 'sid:449', 'sid:427', 'sid:453', 'sid:417', 'sid:388', 'sid:363', 'sid:364', 'sid:477', 'sid:456', // ICMP
    ]
    expect(required.filter((k) => !keys.has(k))).toEqual([])
  })

  test('every sample comment sits directly above a rule', () => {
    for (let i = 0; i < fileLines.length; i++) {
      const raw = fileLines[i]!.trim()
      if (!/^#\s*sample\b/.test(raw)) continue
      const where = `${BUNDLED_SIGNATURES}:${i + 1}`
      expect(SAMPLE.test(raw) || CONSTRUCTED.test(raw), `${where}: write '# sample: <line>' or '# sample (constructed): <line>'`).toBe(true)
      let j = i + 1
      while (j < fileLines.length && fileLines[j]!.trim().startsWith('#')) j++
      expect(fileLines[j]?.trim().startsWith('alert '), `${where}: the sample is not directly above a rule`).toBe(true)
    }
  })

  test.each(sigs.map((s) => [`${s.line}: ${s.msg}`, s] as const))('%s: its samples match it', (_name, sig) => {
    const samples = samplesOf(sig)
    expect(samples.length, `${sig.file}:${sig.line} "${sig.msg}" has no samples`).toBeGreaterThan(0)
    for (const line of samples) expect(hits(line), line).toContain(sig.key)
  })
})

describe('bundled signature set: what must not match', () => {
  const sample = (key: string): string => rule(key).samples[0]!

  test('a FIN rule does not fire on FIN+ACK (a normal close, or nmap -sM)', () => {
    const finAck = capture('maimon-scan.log')[0]!
    expect(finAck).toMatch(/ ACK FIN URGP=/)
    expect(hits(finAck)).not.toContain('sid:621')
    expect(hits(finAck)).toEqual([])
  })

  test('GirlFriend does not fire from source port 80', () => {
    const line = sample('sid:145')
    expect(hits(line.replace(/ SPT=\d+ /, ' SPT=81 '))).toContain('sid:145')
    expect(hits(line.replace(/ SPT=\d+ /, ' SPT=80 '))).not.toContain('sid:145')
  })

  test('Slammer needs IP length 404 exactly', () => {
    const line = sample('sid:2003')
    expect(line).toMatch(/ LEN=404 .* LEN=384$/)
    expect(hits(line.replace(' LEN=404 ', ' LEN=403 ').replace(/ LEN=384$/, ' LEN=383'))).not.toContain('sid:2003')
    expect(hits(line.replace(' LEN=404 ', ' LEN=405 ').replace(/ LEN=384$/, ' LEN=385'))).not.toContain('sid:2003')
  })

  test('flag rules are exact: SYN+FIN is not the nmap fingerprint, URG+PSH+FIN is not the full XMAS', () => {
    expect(hits(sample('sid:624'))).not.toContain('sid:629')
    expect(hits(sample('sid:629'))).not.toContain('sid:624')
    expect(hits(sample('sid:1228'))).not.toContain('sid:625')
    expect(hits(sample('sid:625'))).not.toContain('sid:1228')
  })

  test('empty UDP datagrams (what nmap -sU sends) do not trip the UDP backdoor and DDoS rules', () => {
    const udp = sample('psad_id:300018')
    for (const port of [31337, 2140, 10498, 6838, 18753, 20433, 27444, 31335]) {
      const empty = udp.replace(/ LEN=\d+ /, ' LEN=28 ').replace(/ DPT=\d+ LEN=\d+/, ` DPT=${port} LEN=8`)
      expect(hits(empty), empty).toEqual([])
    }
  })

  test('ICMP PING NMAP wants an empty echo request, not a 64-byte one', () => {
    expect(hits(sample('psad_id:300110'))).not.toContain('sid:469')
  })

  test('the late packets of forgotten connections (real capture) match no signature', () => {
    for (const line of capture('conntrack-leftovers.log')) expect(hits(line), line).toEqual([])
  })
})
