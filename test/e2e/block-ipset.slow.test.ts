import { blockingSuite } from './block-suite.js'

// watch --block with the ipset backend, end to end (see block-suite.ts)
blockingSuite('ipset', false)
