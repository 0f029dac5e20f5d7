import os from 'node:os'
import { ConfigError } from '../../core/errors.js'
import type { AutoDl } from '../../detect/auto-dl.js'
import { parseNetwork } from '../../parse/address.js'
import { contains, parseAddress, parseTarget, targetFromBytes, widen, type Target } from './target.js'

// Addresses that are never blocked, whatever a log says: scans can be spoofed, and a block of the
// host itself, its gateway or its admin would lock the admin out. Private ranges (10/8, 172.16/12,
// 192.168/16, fc00::/7) are NOT on the list: on a LAN or a cloud network the scanner is often a
// private address, and the host's own addresses and gateway are protected individually anyway.
// A network target that would cover a never-blocked address is refused; an IPv6 source blocked by
// prefix is narrowed to its single address when the prefix would cover one.

/** What never-block is built from; every input is injectable, so tests need no real host. */
export interface NeverBlockInputs {
  /** Configured allow CIDRs. */
  allow?: readonly string[]
  /** HOME_NET networks (none when HOME_NET is `any`); protected unless `blockHomeNet`. */
  homeNet?: readonly string[]
  blockHomeNet?: boolean
  /** auto_dl DL 0 entries: a label for the entry overlapping the target, or null. See autoDlIgnored. */
  ignored?: (target: Target) => string | null
  /** The host's interfaces (default os.networkInterfaces). */
  interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>
  /** The default gateways (see readGateways). */
  gateways?: () => Promise<string[]>
}

/** One never-blocked network and why. */
export interface NeverRule {
  readonly net: Target
  readonly label: string
}

/** A target that may be blocked (with a note when it was narrowed), or the reason it may not. */
export type Verdict = { ok: true; target: Target; note: string | null } | { ok: false; reason: string }

const FIXED: readonly [string, string][] = [
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['0.0.0.0/32', 'the unspecified address'],
  ['::/128', 'the unspecified address'],
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['224.0.0.0/4', 'multicast'],
  ['ff00::/8', 'multicast'],
  ['255.255.255.255/32', 'the IPv4 broadcast address'],
]

/** Parses psad's HOME_NET value (`any`, `10.0.0.0/8`, `[10.0.0.0/8, 192.168.1.0/24]`) into networks; `any` gives none. Throws ConfigError. */
export function parseHomeNet(value: string): string[] {
  const v = value.trim().replace(/^\[|\]$/g, '')
  if (v.toLowerCase() === 'any' || v === '') return []
  return v.split(',').map((s) => parseTargetAsConfig(s.trim(), 'HOME_NET network').cidr)
}

function parseTargetAsConfig(text: string, what: string): Target {
  try {
    return parseTarget(text, what)
  } catch (e) {
    throw new ConfigError((e as Error).message)
  }
}

/** Adapts an auto_dl file to the `ignored` input: the first DL 0 entry overlapping a target, as a label. */
export function autoDlIgnored(autoDl: AutoDl): (t: Target) => string | null {
  return (t) => {
    const net = parseNetwork(t.cidr)
    const hit = net === null ? undefined : autoDl.ignoredOverlapping(net)[0]
    return hit === undefined ? null : `auto_dl DL 0 entry ${hit.net.text} (${hit.file}:${hit.line})`
  }
}

/** Returns the host-derived rules: own addresses, the broadcast addresses of own IPv4 networks, gateways. */
export function hostRules(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>, gateways: readonly string[]): NeverRule[] {
  const rules: NeverRule[] = []
  for (const [name, addrs] of Object.entries(interfaces)) {
    for (const a of addrs ?? []) {
      let host: Target
      try {
        host = parseAddress(a.address, 'interface address')
      } catch {
        continue
      }
      rules.push({ net: host, label: `an address of this host (${name})` })
      const prefix = a.cidr === null ? NaN : Number(a.cidr.split('/')[1])
      if (host.family === 4 && prefix <= 30) {
        const net = widen(host, prefix)
        const bcast = net.bytes.map((b, i) => b | (0xff >> Math.min(8, Math.max(0, prefix - i * 8))))
        rules.push({ net: targetFromBytes(bcast, 32), label: `the broadcast address of ${name}'s network ${net.cidr}` })
      }
    }
  }
  for (const g of gateways) rules.push({ net: parseAddress(g, 'gateway'), label: 'a default gateway' })
  return rules
}

/** Returns the fixed and configured rules (everything except what is read from the host). */
export function configRules(inputs: NeverBlockInputs): NeverRule[] {
  const rules: NeverRule[] = FIXED.map(([cidr, label]) => ({ net: parseTarget(cidr), label }))
  for (const a of inputs.allow ?? []) rules.push({ net: parseTargetAsConfig(a, 'allow network'), label: 'in the allow list' })
  if (inputs.blockHomeNet !== true) for (const h of inputs.homeNet ?? []) rules.push({ net: parseTargetAsConfig(h, 'HOME_NET network'), label: 'in HOME_NET (blockHomeNet is off)' })
  return rules
}

/** Returns why `t` may not be blocked under `rules` (and the DL 0 predicate), or null when it may. */
export function judge(rules: readonly NeverRule[], t: Target, ignored?: (t: Target) => string | null): string | null {
  for (const r of rules) {
    if (contains(r.net, t)) return `${t.cidr} is within never-blocked ${r.net.cidr}: ${r.label}`
    if (contains(t, r.net)) return `${t.cidr} would cover never-blocked ${r.net.cidr}: ${r.label}`
  }
  const dl0 = ignored?.(t) ?? null
  return dl0 === null ? null : `${t.cidr} overlaps ${dl0}`
}

/** The never-block list: fixed categories, configuration, and the host's addresses and gateways (re-read by refresh). */
export class NeverBlock {
  private host: NeverRule[] = []
  private readonly fixed: NeverRule[]

  private constructor(private readonly inputs: NeverBlockInputs) {
    this.fixed = configRules(inputs)
  }

  /** Builds the list and reads the host once. Throws ConfigError for bad configured networks, FirewallError when gateways cannot be read. */
  static async create(inputs: NeverBlockInputs): Promise<NeverBlock> {
    const nb = new NeverBlock(inputs)
    await nb.refresh()
    return nb
  }

  /** Re-reads the host's interfaces and gateways (after an address or route change). */
  async refresh(): Promise<void> {
    const interfaces = (this.inputs.interfaces ?? os.networkInterfaces)()
    const gateways = this.inputs.gateways === undefined ? [] : await this.inputs.gateways()
    this.host = hostRules(interfaces, gateways)
  }

  /** Every rule in force, for status output. */
  rules(): readonly NeverRule[] {
    return [...this.fixed, ...this.host]
  }

  /** Judges a network target as given (a manual `block add`): allowed as is, or refused with the reason. Throws TargetError when it does not parse. */
  check(target: Target | string): Verdict {
    const t = typeof target === 'string' ? parseTarget(target) : target
    const why = judge(this.rules(), t, this.inputs.ignored)
    return why === null ? { ok: true, target: t, note: null } : { ok: false, reason: why }
  }

  /**
   * Returns the target that auto-blocking a source should use: IPv4 → /32; IPv6 → its /ipv6Prefix,
   * narrowed to /128 when the prefix would cover a never-blocked address; or the reason the source
   * itself is never blocked. Throws TargetError for a source that is not one address.
   */
  forSource(ip: string, ipv6Prefix = 64): Verdict {
    if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 32 || ipv6Prefix > 128) throw new ConfigError(`blockIpv6Prefix ${ipv6Prefix} is not a prefix length between 32 and 128`)
    const host = parseAddress(ip, 'source address')
    const own = judge(this.rules(), host, this.inputs.ignored)
    if (own !== null) return { ok: false, reason: own }
    if (host.family === 4) return { ok: true, target: host, note: null }
    const wide = widen(host, ipv6Prefix)
    const why = judge(this.rules(), wide, this.inputs.ignored)
    return why === null ? { ok: true, target: wide, note: null } : { ok: true, target: host, note: `narrowed to ${host.cidr}: ${why}` }
  }
}
