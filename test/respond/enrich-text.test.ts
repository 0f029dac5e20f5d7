import { describe, expect, test } from 'vitest'
import { cleanName, cleanNote, cleanWhois, MAX_WHOIS_CHARS } from '../../src/respond/enrich-text.js'
import { whoisHighlights } from '../../src/report/whois-highlights.js'

describe('cleanWhois', () => {
  test('CRLF and CR become LF, tabs are expanded, trailing space and blank runs go', () => {
    expect(cleanWhois('\r\n\r\nNetName:\tEXAMPLE  \r\nCIDR:\t\t10.0.0.0/8\r\r\n\n\n\nCountry: US\n\n')).toBe('NetName:        EXAMPLE\nCIDR:           10.0.0.0/8\n\nCountry: US')
  })
  test('ANSI sequences are removed whole, other controls and bidi overrides dropped', () => {
    const raw = 'a\x1b[1;31mred\x1b[0mb\x1b]0;title\x07c\x1b]8;;http://x\x1b\\d\x1bce\x07f\x00g\x7fh\u009bi\u202ej\u2066k\ufeffl'
    expect(cleanWhois(raw)).toBe('aredbcdefghijkl')
  })
  test('non-ASCII is kept as UTF-8 (unlike psad ENABLE_WHOIS_FORCE_ASCII)', () => {
    expect(cleanWhois('descr: ООО «Пример»\norg-name: 例え株式会社\naddress: Zürich')).toBe('descr: ООО «Пример»\norg-name: 例え株式会社\naddress: Zürich')
  })
  test('capped at MAX_WHOIS_CHARS with a note, never splitting a surrogate pair', () => {
    const text = cleanWhois('x'.repeat(MAX_WHOIS_CHARS - 1) + '😀'.repeat(10))
    const [kept, note] = text.split('\n')
    expect(kept!.length).toBe(MAX_WHOIS_CHARS - 1)
    expect(note).toBe(`[portsleuth: whois answer cut at ${MAX_WHOIS_CHARS} characters, 20 more not kept]`)
    expect(cleanWhois('abcdef', 4)).toBe('abcd\n[portsleuth: whois answer cut at 4 characters, 2 more not kept]')
  })
  test('a huge answer is bounded before the work', () => {
    expect(cleanWhois('y'.repeat(10_000_000)).length).toBeLessThan(MAX_WHOIS_CHARS + 100)
  })
})

describe('cleanName and cleanNote', () => {
  test('a PTR name loses controls and its final dot; nothing left is null', () => {
    expect(cleanName('host\x1b[2J.example.net.')).toBe('host.example.net')
    expect(cleanName('\x1b\x07')).toBeNull()
    expect(cleanName('a'.repeat(400))!.length).toBe(253)
  })
  test('a note is one line', () => {
    expect(cleanNote('connect\r\n  ECONNREFUSED\x1b[0m 127.0.0.1:43')).toBe('connect ECONNREFUSED 127.0.0.1:43')
  })
})

describe('whoisHighlights', () => {
  test('ARIN: net name, org, country, abuse, range, origin in that order', () => {
    const arin = [
      '# ARIN WHOIS data and services are subject to the Terms of Use',
      '',
      'NetRange:       192.0.2.0 - 192.0.2.255',
      'CIDR:           192.0.2.0/24',
      'NetName:        TEST-NET-1',
      'OriginAS:       AS64496',
      'Organization:   Example Org (EO-1)',
      'OrgName:        Example Org',
      'Country:        US',
      'OrgAbuseEmail:  abuse@example.org',
    ].join('\n')
    expect(whoisHighlights(arin)).toEqual([
      'NetName: TEST-NET-1', 'Organization: Example Org (EO-1)', 'Country: US', 'OrgAbuseEmail: abuse@example.org', 'NetRange: 192.0.2.0 - 192.0.2.255', 'OriginAS: AS64496',
    ])
  })
  test('RIPE: the abuse comment counts, first of each group wins', () => {
    const ripe = [
      '% This is the RIPE Database query service.',
      "% Abuse contact for '198.51.100.0 - 198.51.100.255' is 'abuse@example.net'",
      '',
      'inetnum:        198.51.100.0 - 198.51.100.255',
      'netname:        EXAMPLE-NET',
      'descr:          Example hosting',
      'descr:          second line',
      'country:        NL',
    ].join('\n')
    expect(whoisHighlights(ripe)).toEqual(['netname: EXAMPLE-NET', 'descr: Example hosting', 'country: NL', 'abuse contact: abuse@example.net', 'inetnum: 198.51.100.0 - 198.51.100.255'])
  })
  test('no known key: the first four data lines', () => {
    expect(whoisHighlights('% comment\n# another\nline one\nline two\n\nline three\nline four\nline five')).toEqual(['line one', 'line two', 'line three', 'line four'])
  })
})
