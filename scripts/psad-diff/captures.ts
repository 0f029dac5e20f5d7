import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { configFlags } from '../../src/cli/flags.js'

// psad's own test suite as differential cases: which capture file, with which
// settings, and which psad-only arguments. Cases that need something portsleuth lacks are kept with
// `needs` and run as soon as `portsleuth analyze` has the flag for it.

/** portsleuth features some psad test cases need, detected from the analyze command's flags. */
export const PORTSLEUTH_FEATURES = { autoDl: 'auto-dl' in configFlags, reputation: 'reputation' in configFlags }

export interface CaptureCase {
  /** Test-suite number(s) and name. */
  name: string
  file: string
  overrides?: Readonly<Record<string, string>>
  /** psad --analysis-fields / portsleuth --fields criteria. */
  fields?: string
  /** Signature ids to leave out of the signature file (tests 22/23). */
  withoutSids?: readonly number[]
  /** auto_dl file content. */
  autoDl?: string
  needs?: 'autoDl' | 'reputation'
  /** Why the case is not run even when everything is available. */
  skip?: string
}

const SYN = 'syn_scan_1000_1500'
const UDP = 'udp_scan_1000_1150'
const DL5 = '192.168.10.55 5;\n'

export const CAPTURE_CASES: readonly CaptureCase[] = [
  { name: '14 IPv4 SYN scan', file: SYN },
  { name: '15 SYN scan, 4 destinations', file: 'syn_scan_1000_1500_multi_dst' },
  { name: '16 SYN sweep', file: 'syn_sweep' },
  { name: '17 IPv6 Topera, no IP options', file: 'topera_ipv6_syn_scan_no_ip_opts' },
  { name: '18 IPv6 Topera, IP options', file: 'topera_ipv6_syn_scan_with_ip_opts' },
  { name: '19 Mirai', file: 'mirai_default_credentials_scan' },
  { name: '20 IPv4 MS-SQL signature', file: 'ms_sql_server_sig_match' },
  { name: '21 IPv6 MS-SQL signature', file: 'ipv6_ms_sql_server_sig_match' },
  { name: '22 IPv4 MS-SQL signature removed', file: 'ms_sql_server_sig_match', withoutSids: [100205] },
  { name: '23 IPv6 MS-SQL signature removed', file: 'ipv6_ms_sql_server_sig_match', withoutSids: [100205] },
  { name: '24 FIN scan', file: 'fin_scan_1000_1150' },
  { name: '25 XMAS scan', file: 'xmas_scan_1000_1150' },
  { name: '26 NULL scan', file: 'null_scan_1000_1150' },
  { name: '27 IP protocol scan', file: 'proto_scan' },
  { name: '28 reputation feeds', file: 'reputation_scan', needs: 'reputation', skip: 'psad 2.4.6 has no reputation feeds (3.0 only)' },
  { name: '28b reputation_scan, no feeds', file: 'reputation_scan' },
  { name: '29 fwknop SPA', file: 'fwknop_spa_pkt' },
  { name: '30 ISO-8601 syslog time', file: 'syslog_time_fmt1.log' },
  { name: '31 ACK scan (IGNORE_CONNTRACK_BUG_PKTS N)', file: 'ack_scan_1000_1150', overrides: { IGNORE_CONNTRACK_BUG_PKTS: 'N' } },
  { name: '31b ACK scan, default config', file: 'ack_scan_1000_1150' },
  { name: '32 UDP scan', file: UDP },
  { name: '33 DL5 source (auto_dl)', file: SYN, autoDl: DL5, needs: 'autoDl' },
  { name: '34 DL5 subnet (auto_dl)', file: SYN, autoDl: '192.168.10.0/24 5;\n', needs: 'autoDl' },
  { name: '35 DL5 subnet tcp (auto_dl)', file: SYN, autoDl: '192.168.10.0/24 5 tcp;\n', needs: 'autoDl' },
  { name: '36 DL5 subnet udp only (auto_dl)', file: SYN, autoDl: '192.168.10.0/24 5 udp;\n', needs: 'autoDl' },
  { name: '38 SYN scan from 127.0.0.1', file: 'syn_scan_1000_1500_localhost' },
  { name: '39 SYN scan from 0.0.0.0', file: 'syn_scan_1000_1500_zeroip' },
  { name: '41 fields SRC:1.2.3.4', file: SYN, fields: 'SRC:1.2.3.4' },
  { name: '42 fields SRC:192.168.10.55', file: SYN, fields: 'SRC:192.168.10.55' },
  { name: '43 fields DST:1.2.3.4', file: SYN, fields: 'DST:1.2.3.4' },
  { name: '44 fields DST:192.168.10.1', file: SYN, fields: 'DST:192.168.10.1' },
  { name: '45 fields SRC and DST', file: SYN, fields: 'SRC:192.168.10.55, DST:192.168.10.1' },
  { name: '46 fields LEN:15', file: SYN, fields: 'LEN:15' },
  { name: '47 fields LEN:44', file: SYN, fields: 'LEN:44' },
  { name: '49 DL5 UDP source (auto_dl)', file: UDP, autoDl: DL5, needs: 'autoDl' },
  { name: '50 DL5 UDP subnet (auto_dl)', file: UDP, autoDl: '192.168.10.0/24 5;\n', needs: 'autoDl' },
  { name: '51 DL5 UDP subnet udp (auto_dl)', file: UDP, autoDl: '192.168.10.0/24 5 udp;\n', needs: 'autoDl' },
  { name: '52 DL5 UDP subnet tcp only (auto_dl)', file: UDP, autoDl: '192.168.10.0/24 5 tcp;\n', needs: 'autoDl' },
  { name: '53 ignore SYN source (auto_dl 0)', file: SYN, autoDl: '192.168.10.55 0;\n', needs: 'autoDl' },
  { name: '54 ignore SYN subnet (auto_dl 0)', file: SYN, autoDl: '192.168.10.0/24 0;\n', needs: 'autoDl' },
  // 55-59 and 62 add an auto_dl DL-5 entry so that a packet that gets through shows up as DL 5.
  { name: '55 IGNORE_PROTOCOLS tcp (auto_dl 5)', file: SYN, overrides: { IGNORE_PROTOCOLS: 'tcp' }, autoDl: DL5, needs: 'autoDl' },
  { name: '55b IGNORE_PROTOCOLS tcp', file: SYN, overrides: { IGNORE_PROTOCOLS: 'tcp' } },
  { name: '56 IGNORE_PROTOCOLS 2 (auto_dl 5)', file: 'ipv4_igmp', overrides: { IGNORE_PROTOCOLS: '2' }, autoDl: DL5, needs: 'autoDl' },
  { name: '56b IGNORE_PROTOCOLS 2', file: 'ipv4_igmp', overrides: { IGNORE_PROTOCOLS: '2' } },
  { name: '57 IGNORE_INTERFACES eth1, eth0.1 (auto_dl 5)', file: SYN, overrides: { IGNORE_INTERFACES: 'eth1, eth0.1' }, autoDl: DL5, needs: 'autoDl' },
  { name: '57b IGNORE_INTERFACES eth1, eth0.1', file: SYN, overrides: { IGNORE_INTERFACES: 'eth1, eth0.1' } },
  { name: '58 require DROP prefix (auto_dl 5)', file: SYN, overrides: { FW_SEARCH_ALL: 'N', FW_MSG_SEARCH: 'DROP' }, autoDl: DL5, needs: 'autoDl' },
  { name: '58b require DROP prefix', file: SYN, overrides: { FW_SEARCH_ALL: 'N', FW_MSG_SEARCH: 'DROP' } },
  { name: '59 require missing prefix (auto_dl 5)', file: SYN, overrides: { FW_SEARCH_ALL: 'N', FW_MSG_SEARCH: 'nothere' }, autoDl: DL5, needs: 'autoDl' },
  { name: '59b require missing prefix', file: SYN, overrides: { FW_SEARCH_ALL: 'N', FW_MSG_SEARCH: 'nothere' } },
  { name: '60 ignore UDP source (auto_dl 0)', file: UDP, autoDl: '192.168.10.55 0;\n', needs: 'autoDl' },
  { name: '61 ignore UDP subnet (auto_dl 0)', file: UDP, autoDl: '192.168.10.0/24 0;\n', needs: 'autoDl' },
  { name: '62 IGNORE_PROTOCOLS udp (auto_dl 5)', file: UDP, overrides: { IGNORE_PROTOCOLS: 'udp' }, autoDl: DL5, needs: 'autoDl' },
  { name: '62b IGNORE_PROTOCOLS udp', file: UDP, overrides: { IGNORE_PROTOCOLS: 'udp' } },
  { name: '63 IPv6 TCP connect() scan', file: 'ipv6_tcp_connect_nmap_default_scan' },
  { name: '64 IPv6 valid ping', file: 'ipv6_ping_scan' },
  { name: '65 IPv6 invalid ICMPv6 type/code', file: 'ipv6_invalid_icmp6_type_code' },
  { name: '66 IPv4 valid echo', file: 'ipv4_valid_ping' },
  { name: '67 IPv4 invalid ICMP type/code', file: 'invalid_icmp_type_code' },
  { name: '68 IPv6 detection disabled', file: 'ipv6_tcp_connect_nmap_default_scan', overrides: { ENABLE_IPV6_DETECTION: 'N' } },
  { name: '69 ignore IPv6 source, full form (auto_dl 0)', file: 'ipv6_tcp_connect_nmap_default_scan', autoDl: '2001:0db8:0000:f101:0000:0000:0000:0002 0;\n', needs: 'autoDl' },
  { name: '70 ignore IPv6 source, abbreviated (auto_dl 0)', file: 'ipv6_tcp_connect_nmap_default_scan', autoDl: '2001:DB8:0:F101::2 0;\n', needs: 'autoDl' },
  { name: 'IGMP, default config', file: 'ipv4_igmp' },
]

/** Returns why a case cannot run here, or null when it can. */
export function skipReason(c: CaptureCase, dir: string): string | null {
  if (c.skip !== undefined) return c.skip
  if (c.needs !== undefined && !PORTSLEUTH_FEATURES[c.needs]) return `portsleuth has no ${c.needs === 'autoDl' ? 'auto_dl' : 'reputation'} support yet`
  if (!existsSync(join(dir, c.file))) return `${c.file} not in ${dir}`
  return null
}
