import { blockingSuite } from './block-suite.js'

// watch --block with the nftables backend, end to end (see block-suite.ts), and spoofed scans that must never be blocked
blockingSuite('nftables', true)
