import { list, type Cell } from './csv-cells.js'
import { mergePortRanges } from './csv-ports.js'
import type { DestinationV1, SourceV1, TopPortV1, TopSignatureV1 } from './model.js'

// The columns of each `--csv-table`, in output order. This list is the contract: the renderer
// writes exactly these, and the README table is generated from (or checked against) the names and
// descriptions here. Append columns at the end; never reorder or rename.

/** One CSV column: its header name, what it holds, and how to get it from a row. */
export interface CsvColumn<Row> {
  readonly name: string
  readonly description: string
  readonly value: (row: Row) => Cell
}

/** A row of the destinations table: one source × one of its destinations. */
export interface SourceDestination {
  source: SourceV1
  destination: DestinationV1
}

const time = (iso: string | null): Cell => iso ?? ''

/** `sources` table: one row per listed source, worst first (the report's order). */
export const SOURCE_COLUMNS: readonly CsvColumn<SourceV1>[] = [
  { name: 'ip', description: 'source address', value: (s) => s.ip },
  { name: 'danger_level', description: 'danger level 1-5', value: (s) => s.dangerLevel },
  { name: 'packets', description: 'packets from this source', value: (s) => s.packets },
  { name: 'first_seen', description: 'first packet, ISO 8601 UTC; empty when no line had a timestamp', value: (s) => time(s.firstSeen) },
  { name: 'last_seen', description: 'last packet, ISO 8601 UTC; empty when no line had a timestamp', value: (s) => time(s.lastSeen) },
  { name: 'scan_types', description: 'scan types, `;`-separated (SYN;FIN;UDP;…)', value: (s) => list(s.scanTypes) },
  { name: 'nmap_options', description: 'nmap options that produce such packets, `;`-separated (-sS;-sF)', value: (s) => list(s.nmapOptions) },
  { name: 'destinations', description: 'distinct destination addresses', value: (s) => s.destinationsTotal },
  {
    name: 'tcp_ports',
    description: 'TCP ports: union of each itemised destination\'s lowest-highest port, `;`-separated (22;1000-1150)',
    value: (s) => mergePortRanges(s.destinations.map((d) => d.tcpPorts)),
  },
  {
    name: 'udp_ports',
    description: 'UDP ports, as tcp_ports',
    value: (s) => mergePortRanges(s.destinations.map((d) => d.udpPorts)),
  },
  { name: 'signature_hits', description: 'signature matches, all signatures summed', value: (s) => s.signatures.reduce((n, h) => n + h.count, 0) },
  { name: 'signature_messages', description: 'messages of the matched signatures, most hits first, `;`-separated', value: (s) => list(s.signatures.map((h) => h.msg)) },
  { name: 'os', description: 'OS guesses as `name (method)`, `;`-separated', value: (s) => list(s.os.map((o) => `${o.os} (${o.method})`)) },
  { name: 'findings', description: 'finding messages (invalid ICMP, port sweep, Mirai, …), `;`-separated', value: (s) => list(s.findings.map((f) => f.message)) },
]

/** `signatures` table: one row per signature matched anywhere (the report's top signatures). */
export const SIGNATURE_COLUMNS: readonly CsvColumn<TopSignatureV1>[] = [
  { name: 'sid', description: 'Snort/fwsnort SID; empty when the signature has none', value: (t) => t.sid ?? '' },
  { name: 'psad_id', description: 'psad_id; empty when the signature has none', value: (t) => t.psadId ?? '' },
  { name: 'message', description: 'signature message', value: (t) => t.msg },
  { name: 'protocol', description: 'protocol of the signature (tcp, udp, icmp, ip, …)', value: (t) => t.protocol },
  { name: 'hits', description: 'matching packets, all sources', value: (t) => t.count },
  { name: 'sources', description: 'distinct sources that matched it', value: (t) => t.sources },
]

/** `ports` table: the report's top destination ports (at most 50). */
export const PORT_COLUMNS: readonly CsvColumn<TopPortV1>[] = [
  { name: 'protocol', description: 'tcp, udp or udplite', value: (p) => p.protocol },
  { name: 'port', description: 'destination port', value: (p) => p.port },
  { name: 'packets', description: 'packets to this port, all sources and destinations', value: (p) => p.packets },
]

/** `destinations` table: one row per source × destination, sources worst first. */
export const DESTINATION_COLUMNS: readonly CsvColumn<SourceDestination>[] = [
  { name: 'source', description: 'source address', value: (r) => r.source.ip },
  { name: 'source_danger_level', description: 'danger level 1-5 of the source', value: (r) => r.source.dangerLevel },
  { name: 'destination', description: 'destination address', value: (r) => r.destination.ip },
  { name: 'packets', description: 'packets from the source to this destination', value: (r) => r.destination.packets },
  { name: 'tcp_ports', description: 'lowest-highest TCP port (`lo-hi` or `p`); empty when no TCP', value: (r) => r.destination.tcpPorts ?? '' },
  { name: 'udp_ports', description: 'lowest-highest UDP port; empty when no UDP', value: (r) => r.destination.udpPorts ?? '' },
  { name: 'udplite_ports', description: 'lowest-highest UDP-Lite port; empty when none', value: (r) => r.destination.udplitePorts ?? '' },
  { name: 'protocols', description: 'distinct IP protocols sent to this destination', value: (r) => r.destination.protocols },
  { name: 'first_seen', description: 'first packet, ISO 8601 UTC; empty when unknown', value: (r) => time(r.destination.firstSeen) },
  { name: 'last_seen', description: 'last packet, ISO 8601 UTC; empty when unknown', value: (r) => time(r.destination.lastSeen) },
]
