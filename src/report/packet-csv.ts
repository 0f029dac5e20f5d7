import { InternalError } from '../core/errors.js'
import type { Packet } from '../parse/packet.js'
import { csvRecord, type Cell } from './csv-cells.js'
import { ChunkWriter } from './csv-chunks.js'
import { packetField, packetGetter } from './csv-packet-fields.js'

// psad's `--CSV` / nf2csv: one CSV record per accepted packet, streamed as the pipeline hands packets
// over (AnalysisOptions.onPacket). Unlike psad: a header row (unless turned off, e.g. for AfterGlow),
// RFC 4180 quoting instead of `, `-joined text, empty cells instead of -1, formula escaping.

export {
  DEFAULT_PACKET_FIELDS, PACKET_FIELDS, parsePacketFields, packetField, type PacketFieldSpec,
} from './csv-packet-fields.js'

export interface PacketCsvOptions {
  /** Write a header row of field names first (default true). */
  header?: boolean
}

/** Writes one CSV record per packet, in chunks, to `write`. */
export class PacketCsv {
  /** Records written, header excluded. */
  rows = 0
  private readonly getters: ((p: Packet) => Cell)[]
  private readonly out: ChunkWriter
  private ended = false

  /** Throws UsageError when a field name is unknown (see PACKET_FIELDS). */
  constructor(fields: readonly string[], write: (chunk: string) => void, options: PacketCsvOptions = {}) {
    const names = fields.map(packetField)
    this.getters = names.map(packetGetter)
    this.out = new ChunkWriter(write)
    if (options.header ?? true) this.out.push(csvRecord(names))
  }

  /** Queues the record of one packet; throws InternalError after end(). */
  packet(pkt: Packet): void {
    if (this.ended) throw new InternalError('packet CSV: packet after end()')
    const cells: Cell[] = new Array(this.getters.length)
    for (let i = 0; i < this.getters.length; i++) cells[i] = this.getters[i]!(pkt)
    this.out.push(csvRecord(cells))
    this.rows++
  }

  /** Writes what is queued now (for live output); end() does this too. */
  flush(): void {
    this.out.flush()
  }

  /** Writes the rest; no packet may follow. */
  end(): void {
    this.out.flush()
    this.ended = true
  }
}
