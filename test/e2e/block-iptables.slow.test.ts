import { blockingSuite } from './block-suite.js'

// watch --block with the iptables backend, end to end (see block-suite.ts)
blockingSuite('iptables', false)
