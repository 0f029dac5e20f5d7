#!/usr/bin/env node
import {flush, run} from '@oclif/core'
import {exitWithFailure} from '../dist/cli/failure.js'

await run(process.argv.slice(2), import.meta.url).then(() => flush(), exitWithFailure)
