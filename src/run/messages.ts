import type { MessagePort } from 'node:worker_threads'
import type { PlanRequest } from '../config/plan.js'
import type { ReportPart } from '../report/build.js'

// What the main thread and the analysis threads of a run say to each other (see threads.ts), and
// what the analysis threads send each other: the lines of a block that another thread owns.

/** How an input's text reaches the threads: byte ranges of a plain file, or blocks cut from a stream. */
export type InputText = { kind: 'range'; fd: number; size: number; blocks: number } | { kind: 'stream' }

/** One input of the run: its blocks are firstBlock, firstBlock + 1, … in reading order. */
export interface InputNotice {
  index: number
  /** Epoch ms that RFC 3164 years are inferred against (the file's mtime, else the run's now). */
  reference: number
  firstBlock: number
  text: InputText
}

/** A block of a stream input (standard input, the journal, inflated gzip), cut after a newline, in its ring slot. */
export interface StreamBlock {
  block: number
  input: number
  length: number
  /** The block stands for one line longer than the block could hold (counted, never parsed). */
  overlong: boolean
}

/** The lines of one block that one thread analyses: (start, end, index in block) triples into its ring slot. */
export interface LineList {
  block: number
  input: number
  /** Bytes of the block's text in its slot. */
  length: number
  lines: Int32Array
}

/**
 * The blocks being split or analysed, in memory every thread of the run shares: block b is in slot
 * b % slots. A slot is filled again only when every thread has analysed the block it held, which the
 * window guarantees: blocks are split at most `slots` ahead of the slowest thread (crew.ts).
 */
export interface Ring {
  bytes: SharedArrayBuffer
  slots: number
  slotBytes: number
}

/** What a thread is doing, for a failure report: per thread [block being split, block being analysed] (-1: none). */
export const DOING_SLOTS = 2

export type ToWorker =
  | {
      type: 'start'
      plan: PlanRequest
      index: number
      count: number
      /** A port to every other analysis thread (null at this thread's own index). */
      peers: (MessagePort | null)[]
      doing: SharedArrayBuffer
      ring: Ring
      /** Blocks below this may be split now. */
      limit: number
    }
  | { type: 'input'; input: InputNotice }
  | ({ type: 'block' } & StreamBlock)
  | { type: 'limit'; limit: number }
  /** Every input has been announced: the run has this many blocks. */
  | { type: 'end'; blocks: number }
  | { type: 'build'; tcpOptionsSeen: boolean }

export type FromWorker =
  | { type: 'split'; block: number; lines: number }
  /** This thread has analysed every block below `next`. */
  | { type: 'done'; next: number }
  | { type: 'read'; tcpOptionsSeen: boolean }
  | { type: 'part'; part: ReportPart }
  /** `usage`: the configuration itself was refused (it was accepted on the main thread, so rare). */
  | { type: 'failed'; message: string; usage: boolean; block: number; phase: Phase }

/** What a thread was doing when it failed. */
export type Phase = 'starting' | 'splitting' | 'analysing' | 'building'
