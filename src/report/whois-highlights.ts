// What a report shows of a whois record at a glance: its key lines (whois text itself is kept whole in
// JSON and HTML).

// The lines worth a glance in the text report, one per group, in this order. Key names cover RPSL
// (RIPE, APNIC, AFRINIC, LACNIC) and ARIN's output.
const GROUPS: RegExp[] = [
  /^(netname|net-name)$/,
  /^(orgname|org-name|organization|organisation|owner|descr)$/,
  /^country$/,
  /^(abuse-mailbox|orgabuseemail|abuse contact)$/,
  /^(inetnum|inet6num|netrange|cidr|route|route6)$/,
  /^(originas|origin|aut-num)$/,
]
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9-]*):\s*(\S.*)$/
// RIPE-style comment naming the abuse address: % Abuse contact for '…' is 'abuse@example.net'
const ABUSE_COMMENT = /^%\s*abuse contact for .* is '([^']+)'/i

/** Returns up to six key lines (`netname: X`, `country: DE`, …) of a whois text, else its first four data lines. */
export function whoisHighlights(text: string): string[] {
  const pairs: [string, string][] = []
  const data: string[] = []
  for (const line of text.split('\n')) {
    const abuse = ABUSE_COMMENT.exec(line)
    if (abuse !== null) pairs.push(['abuse contact', abuse[1]!])
    if (/^\s*([%#]|$)/.test(line)) continue
    data.push(line.trim())
    const kv = KEY_VALUE.exec(line)
    if (kv !== null) pairs.push([kv[1]!, kv[2]!.trim()])
  }
  const picked: string[] = []
  for (const group of GROUPS) {
    const hit = pairs.find(([k]) => group.test(k.toLowerCase()))
    if (hit !== undefined) picked.push(`${hit[0]}: ${hit[1]}`)
  }
  return picked.length > 0 ? picked : data.slice(0, 4)
}
