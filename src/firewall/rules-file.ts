import { InputError } from '../core/errors.js'
import { parseIptablesSave } from './iptables-save.js'
import { parseNftJson } from './nft-json.js'
import type { Family, RulesetSource } from './ruleset.js'

// A saved ruleset, recognised by its content: JSON is `nft -j list ruleset`; `*table` / `:CHAIN` /
// `-A` lines are iptables-save (IPv4 or IPv6, from its header or its addresses). nft's text format
// is recognised only to say how to save JSON instead.

/** Parses a saved ruleset; throws InputError naming the file when it is neither format. */
export function parseRulesFile(text: string, name: string, family: Family | null, warnings: string[]): RulesetSource {
  const start = text.trimStart()
  if (start.startsWith('{')) return parseNftJson(text, name, warnings)
  if (/^\s*(table|flush ruleset)\b/m.test(text) && /\{\s*$/m.test(text)) {
    throw new InputError(`${name}: this is nft's text format, which fw-check does not read`, 'save the ruleset as JSON: nft -j list ruleset > rules.json')
  }
  if (/^\s*(\*\w|:\S+ \S+|-A )/m.test(text)) return parseIptablesSave(text, name, family)
  throw new InputError(`${name}: neither iptables-save output nor nft -j list ruleset JSON`, 'save rules with iptables-save / ip6tables-save, or nft -j list ruleset')
}
