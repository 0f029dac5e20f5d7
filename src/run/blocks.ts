// How a run with threads cuts its text: into blocks of about BLOCK_BYTES, numbered across all inputs
// in reading order. A block holds the lines that START in it (a line starts at the input's first byte
// or after a newline), so blocks can be found in a plain file by byte ranges alone, without reading
// what comes before. Each block is split into lines once, by one thread, and each line is analysed
// by the thread that owns its source (ownerOf), in block order.

/** Bytes of text per block: about 4,000 kernel lines, a few milliseconds of analysis. */
export const BLOCK_BYTES = 1 << 20

/** Longest --max-line-length a run with threads accepts (a block's lines must fit two blocks). */
export const MAX_THREADED_LINE = 1 << 20

// A line's ordinal (its place in the run, see detect/engine.ts) is its block's number times this
// plus its index in the block. It orders lines exactly as their line numbers would, without the
// threads having to count the lines of every block before theirs. A block holds fewer lines than
// bytes (at most 2 MiB with its last line), and 2^32 blocks × 2^21 stays below 2^53.
const LINES_PER_BLOCK = 2 ** 21

/** The ordinal of the line with index `line` in block `block`. */
export function ordinalOf(block: number, line: number): number {
  return block * LINES_PER_BLOCK + line
}

/** The block and line index an ordinal (from ordinalOf) stands for. */
export function placeOf(ordinal: number): { block: number; line: number } {
  return { block: Math.floor(ordinal / LINES_PER_BLOCK), line: ordinal % LINES_PER_BLOCK }
}

/**
 * The part (0 … count−1) that analyses the lines of a source, given the line's route
 * (LineParser.route: equal for all lines of one source). The route is mixed first: an IPv4 route is
 * the address itself, whose low bits are anything but uniform.
 */
export function ownerOf(route: number, count: number): number {
  const mixed = Math.imul(route ^ (route >>> 16), 0x9e3779b1) >>> 0
  return Math.floor((mixed * count) / 0x1_0000_0000)
}

/** Bytes a block may need in memory: the byte before it, itself, and its last line's rest. */
export function slotBytesFor(maxLine: number): number {
  return BLOCK_BYTES + maxLine + 2
}

/** Blocks of a plain file of `size` bytes. */
export function blocksOf(size: number): number {
  return Math.ceil(size / BLOCK_BYTES)
}

/**
 * The bytes to read for block `index` of a plain file of `size` bytes: from the byte before the block
 * (is it a newline?) to `maxLine` bytes past it, enough to finish or refuse its last line.
 * `first`/`limit`: where the block itself starts and ends, relative to `from`.
 */
export function blockWindow(index: number, size: number, maxLine: number): { from: number; to: number; first: number; limit: number } {
  const start = index * BLOCK_BYTES
  const end = Math.min(size, start + BLOCK_BYTES)
  const from = Math.max(0, start - 1)
  return { from, to: Math.min(size, end + maxLine), first: start - from, limit: end - from }
}
