#!/usr/bin/env node
import {flush, run} from '@oclif/core'
import {exitWithFailure} from '../dist/cli/failure.js'

// As oclif's execute(), but failures in portsleuth's one error style. flush() is not awaited: with a
// closed stdout (`| head`) its drain never comes.
await run(process.argv.slice(2), import.meta.url).then(() => {
  flush().catch(() => {})
}, exitWithFailure)
